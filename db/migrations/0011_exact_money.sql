CREATE TABLE `maintenance_tasks` (
	`name` text PRIMARY KEY NOT NULL,
	`requested_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `usage_daily` ADD `cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily` ADD `savings_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily` ADD `standard_cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily` ADD `premium_cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily_by_key` ADD `cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily_by_key` ADD `savings_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily_by_key` ADD `standard_cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily_by_key` ADD `premium_cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly` ADD `cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly` ADD `savings_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly` ADD `standard_cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly` ADD `premium_cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_by_key` ADD `cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_by_key` ADD `savings_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_by_key` ADD `standard_cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_by_key` ADD `premium_cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_compact` ADD `cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_compact` ADD `savings_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_compact` ADD `standard_cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_compact` ADD `premium_cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_quarter_hourly_by_key` ADD `cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_quarter_hourly_by_key` ADD `savings_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_quarter_hourly_by_key` ADD `standard_cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_quarter_hourly_by_key` ADD `premium_cost_pico_remainder` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `requests` RENAME COLUMN `cost_input_micros` TO `cost_input_pico`;--> statement-breakpoint
ALTER TABLE `requests` RENAME COLUMN `cost_cached_input_micros` TO `cost_cached_input_pico`;--> statement-breakpoint
ALTER TABLE `requests` RENAME COLUMN `cost_output_micros` TO `cost_output_pico`;--> statement-breakpoint
ALTER TABLE `requests` RENAME COLUMN `cost_total_micros` TO `cost_total_pico`;--> statement-breakpoint
ALTER TABLE `requests` RENAME COLUMN `cache_savings_micros` TO `cache_savings_pico`;--> statement-breakpoint
ALTER TABLE `requests` RENAME COLUMN `standard_cost_micros` TO `standard_cost_pico`;--> statement-breakpoint
-- The stored micro-dollars in pico-dollars: each row then still counts in the rollups exactly as
-- before (whole micros, no remainder), and the server re-prices every row from its usage in the
-- background (lib/pricing/exact-money-backfill.ts), moving the rollups with it.
UPDATE `requests` SET `cost_input_pico` = `cost_input_pico` * 1000000, `cost_cached_input_pico` = `cost_cached_input_pico` * 1000000,
  `cost_output_pico` = `cost_output_pico` * 1000000, `cost_total_pico` = `cost_total_pico` * 1000000,
  `cache_savings_pico` = `cache_savings_pico` * 1000000, `standard_cost_pico` = `standard_cost_pico` * 1000000
  WHERE `cost_total_pico` IS NOT NULL OR `standard_cost_pico` IS NOT NULL;--> statement-breakpoint
INSERT INTO `maintenance_tasks` (`name`, `requested_at`)
  SELECT 'exact-money-reprice', CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE EXISTS (SELECT 1 FROM `requests`);
