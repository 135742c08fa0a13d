CREATE TABLE `audio_assets` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`label` text,
	`voice_id` text,
	`voice_engine` text,
	`text` text,
	`cache_key` text,
	`settings` text,
	`sample_rate` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`preview_bytes` integer NOT NULL,
	`telephony_bytes` integer NOT NULL,
	`trimmed_start_ms` integer,
	`trimmed_end_ms` integer,
	`gain_db` real,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audio_assets_cache_key_unique` ON `audio_assets` (`cache_key`);--> statement-breakpoint
CREATE INDEX `audio_assets_kind_created` ON `audio_assets` (`kind`,`created_at`);--> statement-breakpoint
CREATE TABLE `audio_blobs` (
	`asset_id` text PRIMARY KEY NOT NULL,
	`preview_wav` blob NOT NULL,
	`telephony_wav` blob NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `audio_assets`(`id`) ON UPDATE no action ON DELETE cascade
);
