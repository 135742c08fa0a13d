CREATE INDEX `campaign_recipients_confirmed` ON `campaign_recipients` (`campaign_id`,`confirmed_at`);--> statement-breakpoint
CREATE INDEX `deliveries_campaign_outcome` ON `deliveries` (`campaign_id`,`channel`,`provider`,`state`,`error_code`,`sent_at`);--> statement-breakpoint
CREATE INDEX `deliveries_recipient_sent` ON `deliveries` (`recipient_id`,`sent_at`);