-- The daily rollup no longer keeps the endpoint (migration 0016 gave it one): split by endpoint it
-- held twice the rows, and every tag breakdown over long ranges read them. Each day's endpoints are
-- summed back into one row per group; a range by endpoint reads its whole days from the hourly
-- rollup, which keeps the split.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_usage_daily` (
	`day_start` integer NOT NULL,
	`model` text NOT NULL,
	`serving_path` text NOT NULL,
	`region` text NOT NULL,
	`api_key` text NOT NULL,
	`team` text NOT NULL,
	`project` text NOT NULL,
	`environment` text NOT NULL,
	`has_affinity` integer NOT NULL,
	`requests` integer NOT NULL,
	`errors` integer NOT NULL,
	`rate_limited` integer NOT NULL,
	`overloaded` integer NOT NULL,
	`payment_required` integer DEFAULT 0 NOT NULL,
	`unpriced` integer NOT NULL,
	`usage_unknown` integer DEFAULT 0 NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`cached_tokens` integer NOT NULL,
	`completion_tokens` integer NOT NULL,
	`cost_micros` integer NOT NULL,
	`cost_pico_remainder` integer DEFAULT 0 NOT NULL,
	`savings_micros` integer NOT NULL,
	`savings_pico_remainder` integer DEFAULT 0 NOT NULL,
	`standard_cost_micros` integer NOT NULL,
	`standard_cost_pico_remainder` integer DEFAULT 0 NOT NULL,
	`premium_cost_micros` integer NOT NULL,
	`premium_cost_pico_remainder` integer DEFAULT 0 NOT NULL,
	`hit_rate_ppm_sum` integer NOT NULL,
	`requests_with_prompt` integer NOT NULL,
	`cached_mismatch` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day_start`, `model`, `serving_path`, `region`, `api_key`, `team`, `project`, `environment`, `has_affinity`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_usage_daily`("day_start", "model", "serving_path", "region", "api_key", "team", "project", "environment", "has_affinity", "requests", "errors", "rate_limited", "overloaded", "payment_required", "unpriced", "usage_unknown", "prompt_tokens", "cached_tokens", "completion_tokens", "cost_micros", "cost_pico_remainder", "savings_micros", "savings_pico_remainder", "standard_cost_micros", "standard_cost_pico_remainder", "premium_cost_micros", "premium_cost_pico_remainder", "hit_rate_ppm_sum", "requests_with_prompt", "cached_mismatch") SELECT "day_start", "model", "serving_path", "region", "api_key", "team", "project", "environment", "has_affinity", sum("requests"), sum("errors"), sum("rate_limited"), sum("overloaded"), sum("payment_required"), sum("unpriced"), sum("usage_unknown"), sum("prompt_tokens"), sum("cached_tokens"), sum("completion_tokens"), sum("cost_micros"), sum("cost_pico_remainder"), sum("savings_micros"), sum("savings_pico_remainder"), sum("standard_cost_micros"), sum("standard_cost_pico_remainder"), sum("premium_cost_micros"), sum("premium_cost_pico_remainder"), sum("hit_rate_ppm_sum"), sum("requests_with_prompt"), sum("cached_mismatch") FROM `usage_daily` GROUP BY "day_start", "model", "serving_path", "region", "api_key", "team", "project", "environment", "has_affinity";--> statement-breakpoint
DROP TABLE `usage_daily`;--> statement-breakpoint
ALTER TABLE `__new_usage_daily` RENAME TO `usage_daily`;--> statement-breakpoint
PRAGMA foreign_keys=ON;