CREATE TABLE `health_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rule` text NOT NULL,
	`subject` text NOT NULL,
	`value` real NOT NULL,
	`threshold` real NOT NULL,
	`first_seen` text NOT NULL,
	`last_seen` text NOT NULL,
	`resolved_at` text,
	`acknowledged_at` text,
	`acknowledged_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `health_alerts_firing` ON `health_alerts` (`rule`,`subject`) WHERE "health_alerts"."resolved_at" IS NULL;--> statement-breakpoint
CREATE INDEX `health_alerts_listed` ON `health_alerts` (`acknowledged_at`,`resolved_at`);