DROP INDEX `contacts_whatsapp`;--> statement-breakpoint
ALTER TABLE `contacts` ADD `search_text` text;--> statement-breakpoint
CREATE INDEX `contacts_whatsapp` ON `contacts` (`whatsapp`) WHERE "contacts"."whatsapp" IS NOT NULL;