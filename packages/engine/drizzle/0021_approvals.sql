CREATE TABLE `campaign_approvals` (
	`campaign_id` integer PRIMARY KEY NOT NULL,
	`reasons` text NOT NULL,
	`requested_by_id` text NOT NULL,
	`requested_by_name` text NOT NULL,
	`requested_desktop` text NOT NULL,
	`requested_at` text NOT NULL,
	`recipients` integer NOT NULL,
	`deliveries` integer NOT NULL,
	`channels` text NOT NULL,
	`max_cost_ore` integer NOT NULL,
	`currency` text NOT NULL,
	`decision` text,
	`decided_by_id` text,
	`decided_by_name` text,
	`decided_desktop` text,
	`decided_at` text,
	`decision_comment` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `templates` ADD `written_by` text;