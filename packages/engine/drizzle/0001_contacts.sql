CREATE TABLE `contact_emails` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contact_id` integer NOT NULL,
	`address` text NOT NULL,
	`address_key` text NOT NULL,
	`label` text NOT NULL,
	`priority` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_emails_contact_address` ON `contact_emails` (`contact_id`,`address_key`);--> statement-breakpoint
CREATE INDEX `contact_emails_key` ON `contact_emails` (`address_key`);--> statement-breakpoint
CREATE TABLE `contact_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`description` text,
	`colour` text,
	`parent_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `contact_groups`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_groups_name` ON `contact_groups` (`name_key`);--> statement-breakpoint
CREATE INDEX `contact_groups_parent` ON `contact_groups` (`parent_id`);--> statement-breakpoint
CREATE TABLE `contact_phones` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contact_id` integer NOT NULL,
	`e164` text NOT NULL,
	`label` text NOT NULL,
	`priority` integer NOT NULL,
	`kind` text NOT NULL,
	`can_sms` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_phones_contact_number` ON `contact_phones` (`contact_id`,`e164`);--> statement-breakpoint
CREATE INDEX `contact_phones_e164` ON `contact_phones` (`e164`);--> statement-breakpoint
CREATE TABLE `contact_tags` (
	`contact_id` integer NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`contact_id`, `tag`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contact_tags_tag` ON `contact_tags` (`tag`,`contact_id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`display_name` text NOT NULL,
	`first_name` text,
	`last_name` text,
	`organisation` text,
	`role` text,
	`notes` text,
	`language` text DEFAULT 'sv' NOT NULL,
	`whatsapp` text,
	`telegram_chat_id` text,
	`custom_fields` text DEFAULT '{}' NOT NULL,
	`dnc_voice` integer DEFAULT false NOT NULL,
	`dnc_sms` integer DEFAULT false NOT NULL,
	`dnc_email` integer DEFAULT false NOT NULL,
	`dnc_whatsapp` integer DEFAULT false NOT NULL,
	`dnc_telegram` integer DEFAULT false NOT NULL,
	`sort_key` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `contacts_sort_name` ON `contacts` (`sort_key`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_sort_updated` ON `contacts` (`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_whatsapp` ON `contacts` (`whatsapp`);--> statement-breakpoint
CREATE TABLE `group_members` (
	`group_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`added_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`group_id`, `contact_id`),
	FOREIGN KEY (`group_id`) REFERENCES `contact_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_members_contact` ON `group_members` (`contact_id`,`group_id`);--> statement-breakpoint
CREATE TABLE `opt_outs` (
	`channel` text NOT NULL,
	`address` text NOT NULL,
	`source` text NOT NULL,
	`note` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`channel`, `address`)
);
--> statement-breakpoint
CREATE INDEX `opt_outs_address` ON `opt_outs` (`address`);