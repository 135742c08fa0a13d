CREATE TABLE `applied_provider_events` (
	`event_key` text PRIMARY KEY NOT NULL,
	`applied_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `campaign_recipients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`contact_id` integer,
	`display_name` text NOT NULL,
	`language` text NOT NULL,
	`outcome` text DEFAULT 'pending' NOT NULL,
	`confirmed_at` text,
	`confirmed_via` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `campaign_recipients_campaign` ON `campaign_recipients` (`campaign_id`,`outcome`);--> statement-breakpoint
CREATE INDEX `campaign_recipients_contact` ON `campaign_recipients` (`contact_id`);--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`parent_id` integer,
	`status` text DEFAULT 'draft' NOT NULL,
	`priority` integer NOT NULL,
	`template_id` integer NOT NULL,
	`test_group_id` integer,
	`settings` text NOT NULL,
	`next_run_at` integer,
	`approval_reason` text,
	`cancel_reason` text,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`started_at` text,
	`finished_at` text,
	FOREIGN KEY (`parent_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`template_id`) REFERENCES `templates`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`test_group_id`) REFERENCES `contact_groups`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `campaigns_status` ON `campaigns` (`status`,`next_run_at`);--> statement-breakpoint
CREATE INDEX `campaigns_parent` ON `campaigns` (`parent_id`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`recipient_id` integer NOT NULL,
	`step_index` integer NOT NULL,
	`channel` text NOT NULL,
	`address` text NOT NULL,
	`token` text NOT NULL,
	`state` text NOT NULL,
	`priority` integer NOT NULL,
	`due_at` integer,
	`wait_seconds` integer NOT NULL,
	`condition` text NOT NULL,
	`fall_through` integer NOT NULL,
	`body` text,
	`subject` text,
	`html` text,
	`audio_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`sending_since` integer,
	`provider` text,
	`provider_id` text,
	`provider_status` text,
	`provider_rank` integer DEFAULT 0 NOT NULL,
	`answered_by` text,
	`error_code` text,
	`error` text,
	`possible_duplicate` integer DEFAULT false NOT NULL,
	`shared_with_id` integer,
	`sent_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recipient_id`) REFERENCES `campaign_recipients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_token` ON `deliveries` (`token`);--> statement-breakpoint
CREATE INDEX `deliveries_due` ON `deliveries` (`state`,`priority`,`due_at`);--> statement-breakpoint
CREATE INDEX `deliveries_recipient` ON `deliveries` (`recipient_id`,`step_index`);--> statement-breakpoint
CREATE INDEX `deliveries_campaign_state` ON `deliveries` (`campaign_id`,`state`);--> statement-breakpoint
CREATE INDEX `deliveries_provider_id` ON `deliveries` (`provider_id`);--> statement-breakpoint
CREATE INDEX `deliveries_address` ON `deliveries` (`address`,`channel`);--> statement-breakpoint
CREATE TABLE `delivery_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`detail` text,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `delivery_events_delivery` ON `delivery_events` (`delivery_id`,`at`);--> statement-breakpoint
CREATE TABLE `inbox_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`received_at` text NOT NULL,
	`channel` text NOT NULL,
	`from_address` text NOT NULL,
	`text` text NOT NULL,
	`campaign_id` integer,
	`recipient_id` integer,
	`contact_id` integer,
	`handled` integer DEFAULT false NOT NULL,
	`handled_by` text,
	`handled_at` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`recipient_id`) REFERENCES `campaign_recipients`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `inbox_messages_handled` ON `inbox_messages` (`handled`,`id`);--> statement-breakpoint
CREATE INDEX `inbox_messages_campaign` ON `inbox_messages` (`campaign_id`);--> statement-breakpoint
CREATE TABLE `template_contents` (
	`template_id` integer NOT NULL,
	`language` text NOT NULL,
	`channel` text NOT NULL,
	`text` text,
	`subject` text,
	`html` text,
	`audio_id` text,
	`voice_id` text,
	PRIMARY KEY(`template_id`, `language`, `channel`),
	FOREIGN KEY (`template_id`) REFERENCES `templates`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `templates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`fallbacks` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`approved_by` text,
	`approved_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
