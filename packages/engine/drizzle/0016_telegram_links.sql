CREATE TABLE `telegram_links` (
	`token` text PRIMARY KEY NOT NULL,
	`contact_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`used_at` integer,
	`chat_id` text,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
