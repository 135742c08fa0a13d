ALTER TABLE `audio_assets` ADD `preview_sha256` text;--> statement-breakpoint
ALTER TABLE `audio_assets` ADD `telephony_sha256` text;--> statement-breakpoint
ALTER TABLE `audio_blobs` ADD `uploaded_to` text;