-- Per-key rollups, backfilled from the full ones (not raw rows, which RETENTION_DAYS may have dropped).
CREATE TABLE `usage_daily_by_key` (
	`day_start` integer NOT NULL,
	`model` text NOT NULL,
	`serving_path` text NOT NULL,
	`region` text NOT NULL,
	`api_key` text NOT NULL,
	`requests` integer NOT NULL,
	`errors` integer NOT NULL,
	`rate_limited` integer NOT NULL,
	`overloaded` integer NOT NULL,
	`unpriced` integer NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`cached_tokens` integer NOT NULL,
	`completion_tokens` integer NOT NULL,
	`cost_micros` integer NOT NULL,
	`savings_micros` integer NOT NULL,
	`standard_cost_micros` integer NOT NULL,
	`premium_cost_micros` integer NOT NULL,
	`hit_rate_ppm_sum` integer NOT NULL,
	`requests_with_prompt` integer NOT NULL,
	PRIMARY KEY(`day_start`, `model`, `serving_path`, `region`, `api_key`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `usage_hourly_by_key` (
	`hour_start` integer NOT NULL,
	`model` text NOT NULL,
	`serving_path` text NOT NULL,
	`region` text NOT NULL,
	`api_key` text NOT NULL,
	`requests` integer NOT NULL,
	`errors` integer NOT NULL,
	`rate_limited` integer NOT NULL,
	`overloaded` integer NOT NULL,
	`unpriced` integer NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`cached_tokens` integer NOT NULL,
	`completion_tokens` integer NOT NULL,
	`cost_micros` integer NOT NULL,
	`savings_micros` integer NOT NULL,
	`standard_cost_micros` integer NOT NULL,
	`premium_cost_micros` integer NOT NULL,
	`hit_rate_ppm_sum` integer NOT NULL,
	`requests_with_prompt` integer NOT NULL,
	PRIMARY KEY(`hour_start`, `model`, `serving_path`, `region`, `api_key`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `usage_daily_by_key` (`day_start`, `model`, `serving_path`, `region`, `api_key`, `requests`, `errors`, `rate_limited`, `overloaded`, `unpriced`, `prompt_tokens`, `cached_tokens`, `completion_tokens`, `cost_micros`, `savings_micros`, `standard_cost_micros`, `premium_cost_micros`, `hit_rate_ppm_sum`, `requests_with_prompt`)
SELECT `day_start`, `model`, `serving_path`, `region`, `api_key`, sum(`requests`), sum(`errors`), sum(`rate_limited`), sum(`overloaded`), sum(`unpriced`), sum(`prompt_tokens`), sum(`cached_tokens`), sum(`completion_tokens`), sum(`cost_micros`), sum(`savings_micros`), sum(`standard_cost_micros`), sum(`premium_cost_micros`), sum(`hit_rate_ppm_sum`), sum(`requests_with_prompt`)
FROM `usage_daily` GROUP BY `day_start`, `model`, `serving_path`, `region`, `api_key`;
--> statement-breakpoint
INSERT INTO `usage_hourly_by_key` (`hour_start`, `model`, `serving_path`, `region`, `api_key`, `requests`, `errors`, `rate_limited`, `overloaded`, `unpriced`, `prompt_tokens`, `cached_tokens`, `completion_tokens`, `cost_micros`, `savings_micros`, `standard_cost_micros`, `premium_cost_micros`, `hit_rate_ppm_sum`, `requests_with_prompt`)
SELECT `hour_start`, `model`, `serving_path`, `region`, `api_key`, sum(`requests`), sum(`errors`), sum(`rate_limited`), sum(`overloaded`), sum(`unpriced`), sum(`prompt_tokens`), sum(`cached_tokens`), sum(`completion_tokens`), sum(`cost_micros`), sum(`savings_micros`), sum(`standard_cost_micros`), sum(`premium_cost_micros`), sum(`hit_rate_ppm_sum`), sum(`requests_with_prompt`)
FROM `usage_hourly` GROUP BY `hour_start`, `model`, `serving_path`, `region`, `api_key`;
