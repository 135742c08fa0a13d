ALTER TABLE `campaign_recipients` ADD `wave` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `waves_decided` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `waves_alerted` integer DEFAULT 0 NOT NULL;