ALTER TABLE `campaigns` ADD `kind` text DEFAULT 'alert' NOT NULL;--> statement-breakpoint
ALTER TABLE `inbox_messages` ADD `assigned_to` text;--> statement-breakpoint
ALTER TABLE `inbox_messages` ADD `assigned_name` text;--> statement-breakpoint
CREATE INDEX `inbox_messages_contact` ON `inbox_messages` (`contact_id`,`channel`);--> statement-breakpoint
CREATE INDEX `inbox_messages_from` ON `inbox_messages` (`from_address`,`channel`);