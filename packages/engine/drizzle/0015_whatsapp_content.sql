CREATE TABLE `whatsapp_sessions` (
	`address` text PRIMARY KEY NOT NULL,
	`last_inbound_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `deliveries` ADD `content_sid` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `content_variables` text;--> statement-breakpoint
ALTER TABLE `template_contents` ADD `content_sid` text;--> statement-breakpoint
ALTER TABLE `template_contents` ADD `content_name` text;--> statement-breakpoint
ALTER TABLE `template_contents` ADD `content_variables` text;