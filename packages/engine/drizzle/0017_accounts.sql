CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`source` text NOT NULL,
	`verifier_salt` blob NOT NULL,
	`verifier_hash` blob NOT NULL,
	`kdf_n` integer NOT NULL,
	`kdf_r` integer NOT NULL,
	`kdf_p` integer NOT NULL,
	`confirmed_at` text NOT NULL,
	`failed_attempts` integer DEFAULT 0 NOT NULL,
	`locked_until` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_username_unique` ON `accounts` (`username`);