CREATE TABLE `requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`ttft_ms` integer,
	`endpoint` text NOT NULL,
	`model` text NOT NULL,
	`serving_path` text NOT NULL,
	`region` text NOT NULL,
	`stream` integer NOT NULL,
	`status` integer NOT NULL,
	`error_code` text,
	`upstream_id` text,
	`upstream_request_id` text,
	`api_key` text NOT NULL,
	`user` text,
	`session_affinity` text,
	`team` text,
	`project` text,
	`environment` text,
	`tags` text,
	`prompt_tokens` integer,
	`cached_prompt_tokens` integer,
	`completion_tokens` integer,
	`header_prompt_tokens` integer,
	`header_cached_prompt_tokens` integer,
	`server_ttft_ms` integer,
	`server_processing_ms` integer,
	`limit_prompt_tpm` integer,
	`limit_uncached_prompt_tpm` integer,
	`limit_generated_tpm` integer,
	`remaining_prompt_tokens` integer,
	`remaining_uncached_prompt_tokens` integer,
	`remaining_generated_tokens` integer,
	`over_limit` text,
	`usage_json` text,
	`price_id` integer,
	`cost_input_micros` integer,
	`cost_cached_input_micros` integer,
	`cost_output_micros` integer,
	`cost_total_micros` integer,
	`cache_savings_micros` integer,
	`standard_cost_micros` integer
);
--> statement-breakpoint
CREATE INDEX `requests_started_at` ON `requests` (`started_at`);--> statement-breakpoint
CREATE INDEX `requests_api_key_started_at` ON `requests` (`api_key`,`started_at`);--> statement-breakpoint
CREATE INDEX `requests_model_started_at` ON `requests` (`model`,`started_at`);--> statement-breakpoint
CREATE INDEX `requests_upstream_id` ON `requests` (`upstream_id`);--> statement-breakpoint
CREATE TABLE `prices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`model` text NOT NULL,
	`serving_path` text NOT NULL,
	`region` text NOT NULL,
	`input_micros_per_mtok` integer NOT NULL,
	`cached_input_micros_per_mtok` integer NOT NULL,
	`output_micros_per_mtok` integer NOT NULL,
	`effective_from` text NOT NULL,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `prices_identity` ON `prices` (`model`,`serving_path`,`region`,`effective_from`);--> statement-breakpoint
CREATE TABLE `api_key_labels` (
	`api_key` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`team` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rate_limit_minutely` (
	`minute_start` integer NOT NULL,
	`model` text NOT NULL,
	`api_key` text NOT NULL,
	`requests` integer NOT NULL,
	`rate_limited` integer NOT NULL,
	`overloaded` integer NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`uncached_prompt_tokens` integer NOT NULL,
	`generated_tokens` integer NOT NULL,
	`limit_prompt_tpm` integer,
	`limit_uncached_prompt_tpm` integer,
	`limit_generated_tpm` integer,
	PRIMARY KEY(`minute_start`, `model`, `api_key`)
);
--> statement-breakpoint
CREATE INDEX `rate_limit_minutely_model` ON `rate_limit_minutely` (`model`,`minute_start`);--> statement-breakpoint
CREATE TABLE `session_daily` (
	`day_start` integer NOT NULL,
	`session_affinity` text NOT NULL,
	`api_key` text NOT NULL,
	`model` text NOT NULL,
	`requests` integer NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`cached_tokens` integer NOT NULL,
	`last_seen` integer NOT NULL,
	PRIMARY KEY(`day_start`, `session_affinity`, `api_key`, `model`)
);
--> statement-breakpoint
CREATE TABLE `usage_hourly` (
	`hour_start` integer NOT NULL,
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
	PRIMARY KEY(`hour_start`, `model`, `serving_path`, `region`, `api_key`, `team`, `project`, `environment`, `has_affinity`)
);
