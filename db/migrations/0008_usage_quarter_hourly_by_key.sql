-- Quarter-hour totals by key, backfilled from the raw rows (the only source finer than an hour;
-- hours whose raw rows RETENTION_DAYS has dropped stay empty here, as they already read as empty).
CREATE TABLE `usage_quarter_hourly_by_key` (
	`quarter_start` integer NOT NULL,
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
	PRIMARY KEY(`quarter_start`, `model`, `serving_path`, `region`, `api_key`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO usage_quarter_hourly_by_key (quarter_start, model, serving_path, region, api_key, requests, errors, rate_limited, overloaded, unpriced, prompt_tokens, cached_tokens, completion_tokens, cost_micros, savings_micros, standard_cost_micros, premium_cost_micros, hit_rate_ppm_sum, requests_with_prompt)
SELECT
(started_at / 900000) * 900000 AS bucket_start,
model, serving_path, region, api_key,
count(*) AS requests,
sum(status >= 400) AS errors,
sum(status = 429) AS rate_limited,
sum(status = 503) AS overloaded,
sum(cost_total_micros IS NULL AND (status < 400 OR status = 499)) AS unpriced,
coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
coalesce(sum(cached_prompt_tokens), 0) AS cached_tokens,
coalesce(sum(completion_tokens), 0) AS completion_tokens,
coalesce(sum(cost_total_micros), 0) AS cost_micros,
coalesce(sum(cache_savings_micros), 0) AS savings_micros,
coalesce(sum(CASE WHEN standard_cost_micros IS NOT NULL THEN standard_cost_micros END), 0) AS standard_cost_micros,
coalesce(sum(CASE WHEN standard_cost_micros IS NOT NULL THEN cost_total_micros END), 0) AS premium_cost_micros,
coalesce(sum(CASE WHEN prompt_tokens > 0 THEN (coalesce(cached_prompt_tokens, 0) * 1000000) / prompt_tokens END), 0) AS hit_rate_ppm_sum,
coalesce(sum(prompt_tokens > 0), 0) AS requests_with_prompt FROM requests WHERE 1 GROUP BY bucket_start, model, serving_path, region, api_key;
