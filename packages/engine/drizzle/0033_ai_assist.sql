CREATE TABLE `ai_reply_suggestions` (
	`inbox_id` integer PRIMARY KEY NOT NULL,
	`category` text NOT NULL,
	`summary` text NOT NULL,
	`model` text NOT NULL,
	`at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inbox_messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `ai_usage` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`user` text NOT NULL,
	`task` text NOT NULL,
	`model` text NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`completion_tokens` integer NOT NULL,
	`cost_millikronor` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ai_usage_at` ON `ai_usage` (`at`);