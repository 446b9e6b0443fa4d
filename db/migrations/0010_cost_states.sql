ALTER TABLE `requests` ADD `retry_after_s` integer;--> statement-breakpoint
ALTER TABLE `requests` ADD `perf_prompt_tokens` integer;--> statement-breakpoint
ALTER TABLE `requests` ADD `perf_cached_prompt_tokens` integer;--> statement-breakpoint
ALTER TABLE `requests` ADD `perf_server_ttft_ms` integer;--> statement-breakpoint
ALTER TABLE `requests` ADD `perf_server_processing_ms` integer;--> statement-breakpoint
ALTER TABLE `requests` ADD `cached_tokens_disagree` integer;--> statement-breakpoint
ALTER TABLE `rate_limit_hourly` ADD `reported_prompt_free` real;--> statement-breakpoint
ALTER TABLE `rate_limit_hourly` ADD `reported_uncached_free` real;--> statement-breakpoint
ALTER TABLE `rate_limit_hourly` ADD `reported_generated_free` real;--> statement-breakpoint
ALTER TABLE `rate_limit_hourly` ADD `over_limit` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rate_limit_minutely` ADD `reported_prompt_free` real;--> statement-breakpoint
ALTER TABLE `rate_limit_minutely` ADD `reported_uncached_free` real;--> statement-breakpoint
ALTER TABLE `rate_limit_minutely` ADD `reported_generated_free` real;--> statement-breakpoint
ALTER TABLE `rate_limit_minutely` ADD `over_limit` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily` ADD `payment_required` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily` ADD `usage_unknown` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily` ADD `cached_mismatch` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily_by_key` ADD `payment_required` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily_by_key` ADD `usage_unknown` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_daily_by_key` ADD `cached_mismatch` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly` ADD `payment_required` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly` ADD `usage_unknown` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly` ADD `cached_mismatch` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_by_key` ADD `payment_required` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_by_key` ADD `usage_unknown` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_by_key` ADD `cached_mismatch` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_compact` ADD `payment_required` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_compact` ADD `usage_unknown` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_hourly_compact` ADD `cached_mismatch` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_quarter_hourly_by_key` ADD `payment_required` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_quarter_hourly_by_key` ADD `usage_unknown` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_quarter_hourly_by_key` ADD `cached_mismatch` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Split "unpriced" into the two states it mixed: unpriced (usage known, no price) and usage unknown
-- (hang-ups, errors, cut streams), and count 402s (per-user spending caps) apart.
-- Totalled once from the raw rows per quarter hour and every
-- dimension, then into each rollup. Buckets whose raw rows RETENTION_DAYS has dropped keep their
-- old unpriced count (which included calls without usage) and 0 for the new counts.
CREATE TEMP TABLE cost_state_backfill AS
SELECT (started_at / 900000) * 900000 AS quarter_start, model, serving_path, region, api_key, coalesce(team, '') AS team, coalesce(project, '') AS project, coalesce(environment, '') AS environment, (session_affinity IS NOT NULL) AS has_affinity,
  sum((prompt_tokens IS NOT NULL AND cost_total_micros IS NULL)) AS unpriced, sum((prompt_tokens IS NULL)) AS usage_unknown, sum(status = 402) AS payment_required
FROM requests GROUP BY quarter_start, model, serving_path, region, api_key, team, project, environment, has_affinity;
--> statement-breakpoint
UPDATE usage_hourly SET unpriced = f.unpriced, usage_unknown = f.usage_unknown, payment_required = f.payment_required
FROM (SELECT (quarter_start / 3600000) * 3600000 AS bucket_start, model, serving_path, region, api_key, team, project, environment, has_affinity, sum(unpriced) AS unpriced, sum(usage_unknown) AS usage_unknown, sum(payment_required) AS payment_required
  FROM cost_state_backfill GROUP BY bucket_start, model, serving_path, region, api_key, team, project, environment, has_affinity) AS f
WHERE usage_hourly.hour_start = f.bucket_start AND usage_hourly.model = f.model AND usage_hourly.serving_path = f.serving_path AND usage_hourly.region = f.region AND usage_hourly.api_key = f.api_key AND usage_hourly.team = f.team AND usage_hourly.project = f.project AND usage_hourly.environment = f.environment AND usage_hourly.has_affinity = f.has_affinity;
--> statement-breakpoint
UPDATE usage_daily SET unpriced = f.unpriced, usage_unknown = f.usage_unknown, payment_required = f.payment_required
FROM (SELECT (quarter_start / 86400000) * 86400000 AS bucket_start, model, serving_path, region, api_key, team, project, environment, has_affinity, sum(unpriced) AS unpriced, sum(usage_unknown) AS usage_unknown, sum(payment_required) AS payment_required
  FROM cost_state_backfill GROUP BY bucket_start, model, serving_path, region, api_key, team, project, environment, has_affinity) AS f
WHERE usage_daily.day_start = f.bucket_start AND usage_daily.model = f.model AND usage_daily.serving_path = f.serving_path AND usage_daily.region = f.region AND usage_daily.api_key = f.api_key AND usage_daily.team = f.team AND usage_daily.project = f.project AND usage_daily.environment = f.environment AND usage_daily.has_affinity = f.has_affinity;
--> statement-breakpoint
UPDATE usage_hourly_compact SET unpriced = f.unpriced, usage_unknown = f.usage_unknown, payment_required = f.payment_required
FROM (SELECT (quarter_start / 3600000) * 3600000 AS bucket_start, model, serving_path, region, sum(unpriced) AS unpriced, sum(usage_unknown) AS usage_unknown, sum(payment_required) AS payment_required
  FROM cost_state_backfill GROUP BY bucket_start, model, serving_path, region) AS f
WHERE usage_hourly_compact.hour_start = f.bucket_start AND usage_hourly_compact.model = f.model AND usage_hourly_compact.serving_path = f.serving_path AND usage_hourly_compact.region = f.region;
--> statement-breakpoint
UPDATE usage_hourly_by_key SET unpriced = f.unpriced, usage_unknown = f.usage_unknown, payment_required = f.payment_required
FROM (SELECT (quarter_start / 3600000) * 3600000 AS bucket_start, model, serving_path, region, api_key, sum(unpriced) AS unpriced, sum(usage_unknown) AS usage_unknown, sum(payment_required) AS payment_required
  FROM cost_state_backfill GROUP BY bucket_start, model, serving_path, region, api_key) AS f
WHERE usage_hourly_by_key.hour_start = f.bucket_start AND usage_hourly_by_key.model = f.model AND usage_hourly_by_key.serving_path = f.serving_path AND usage_hourly_by_key.region = f.region AND usage_hourly_by_key.api_key = f.api_key;
--> statement-breakpoint
UPDATE usage_daily_by_key SET unpriced = f.unpriced, usage_unknown = f.usage_unknown, payment_required = f.payment_required
FROM (SELECT (quarter_start / 86400000) * 86400000 AS bucket_start, model, serving_path, region, api_key, sum(unpriced) AS unpriced, sum(usage_unknown) AS usage_unknown, sum(payment_required) AS payment_required
  FROM cost_state_backfill GROUP BY bucket_start, model, serving_path, region, api_key) AS f
WHERE usage_daily_by_key.day_start = f.bucket_start AND usage_daily_by_key.model = f.model AND usage_daily_by_key.serving_path = f.serving_path AND usage_daily_by_key.region = f.region AND usage_daily_by_key.api_key = f.api_key;
--> statement-breakpoint
UPDATE usage_quarter_hourly_by_key SET unpriced = f.unpriced, usage_unknown = f.usage_unknown, payment_required = f.payment_required
FROM (SELECT (quarter_start / 900000) * 900000 AS bucket_start, model, serving_path, region, api_key, sum(unpriced) AS unpriced, sum(usage_unknown) AS usage_unknown, sum(payment_required) AS payment_required
  FROM cost_state_backfill GROUP BY bucket_start, model, serving_path, region, api_key) AS f
WHERE usage_quarter_hourly_by_key.quarter_start = f.bucket_start AND usage_quarter_hourly_by_key.model = f.model AND usage_quarter_hourly_by_key.serving_path = f.serving_path AND usage_quarter_hourly_by_key.region = f.region AND usage_quarter_hourly_by_key.api_key = f.api_key;
--> statement-breakpoint
DROP TABLE cost_state_backfill;
--> statement-breakpoint
-- What Fireworks itself reported about the account's meters, per minute and per hour, from the raw
-- rows (minutes whose raw rows retention has dropped stay unknown).
UPDATE rate_limit_minutely SET reported_prompt_free = f.reported_prompt_free, reported_uncached_free = f.reported_uncached_free, reported_generated_free = f.reported_generated_free, over_limit = f.over_limit
FROM (SELECT (started_at / 60000) * 60000 AS minute_start, model, api_key, min(remaining_prompt_tokens * 1.0 / nullif(limit_prompt_tpm, 0)) AS reported_prompt_free, min(remaining_uncached_prompt_tokens * 1.0 / nullif(limit_uncached_prompt_tpm, 0)) AS reported_uncached_free, min(remaining_generated_tokens * 1.0 / nullif(limit_generated_tpm, 0)) AS reported_generated_free, coalesce(sum(over_limit = 'yes'), 0) AS over_limit FROM requests GROUP BY 1, 2, 3) AS f
WHERE rate_limit_minutely.minute_start = f.minute_start AND rate_limit_minutely.model = f.model AND rate_limit_minutely.api_key = f.api_key;
--> statement-breakpoint
UPDATE rate_limit_hourly SET reported_prompt_free = f.reported_prompt_free, reported_uncached_free = f.reported_uncached_free, reported_generated_free = f.reported_generated_free, over_limit = f.over_limit
FROM (SELECT (minute_start / 3600000) * 3600000 AS hour_start, model, api_key, min(reported_prompt_free) AS reported_prompt_free, min(reported_uncached_free) AS reported_uncached_free, min(reported_generated_free) AS reported_generated_free, sum(over_limit) AS over_limit FROM rate_limit_minutely GROUP BY 1, 2, 3
  UNION ALL SELECT (minute_start / 3600000) * 3600000, model, '*', min(reported_prompt_free) AS reported_prompt_free, min(reported_uncached_free) AS reported_uncached_free, min(reported_generated_free) AS reported_generated_free, sum(over_limit) AS over_limit FROM rate_limit_minutely GROUP BY 1, 2) AS f
WHERE rate_limit_hourly.api_key = f.api_key AND rate_limit_hourly.hour_start = f.hour_start AND rate_limit_hourly.model = f.model;
