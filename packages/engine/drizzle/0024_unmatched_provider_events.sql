CREATE TABLE `unmatched_provider_events` (
	`event_key` text PRIMARY KEY NOT NULL,
	`token` text,
	`provider_id` text,
	`event` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `unmatched_provider_events_token` ON `unmatched_provider_events` (`token`);--> statement-breakpoint
CREATE INDEX `unmatched_provider_events_provider_id` ON `unmatched_provider_events` (`provider_id`);--> statement-breakpoint
CREATE INDEX `unmatched_provider_events_received` ON `unmatched_provider_events` (`received_at`);