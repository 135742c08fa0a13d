CREATE TABLE `sync_ids` (
	`entity` text NOT NULL,
	`uid` text NOT NULL,
	`local_id` integer NOT NULL,
	PRIMARY KEY(`entity`, `uid`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_ids_local` ON `sync_ids` (`entity`,`local_id`);--> statement-breakpoint
CREATE TABLE `sync_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sync_outbox` (
	`counter` integer PRIMARY KEY NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`op` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sync_state` (
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`state` text NOT NULL,
	PRIMARY KEY(`entity`, `entity_id`)
);
