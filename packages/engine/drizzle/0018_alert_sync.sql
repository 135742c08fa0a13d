CREATE TABLE `sync_leases` (
	`alert` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`owner_name` text NOT NULL,
	`token` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
ALTER TABLE `campaigns` ADD `run_by` text;