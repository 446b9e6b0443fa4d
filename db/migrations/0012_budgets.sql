CREATE TABLE `alert_deliveries` (
	`event_id` text NOT NULL,
	`channel_json` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`delivered_at` integer,
	`last_error` text,
	PRIMARY KEY(`event_id`, `channel_json`)
);
--> statement-breakpoint
CREATE INDEX `alert_deliveries_due` ON `alert_deliveries` (`next_attempt_at`) WHERE "alert_deliveries"."next_attempt_at" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `alert_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`budget_id` integer,
	`at` integer NOT NULL,
	`body_json` text NOT NULL,
	`acknowledged_at` integer
);
--> statement-breakpoint
CREATE INDEX `alert_events_at` ON `alert_events` (`at`);--> statement-breakpoint
CREATE TABLE `budgets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`scope_json` text NOT NULL,
	`period` text NOT NULL,
	`time_zone` text NOT NULL,
	`amount_usd` text NOT NULL,
	`thresholds_json` text NOT NULL,
	`action` text NOT NULL,
	`channels_json` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value_json` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `requests` ADD `budget_id` integer;--> statement-breakpoint
CREATE INDEX `requests_budget_started_at` ON `requests` (`budget_id`,`started_at`) WHERE "requests"."budget_id" IS NOT NULL;