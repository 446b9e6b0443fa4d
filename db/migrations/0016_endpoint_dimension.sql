-- The full rollups gain the calls' endpoint (chat/completions, completions, embeddings, messages) as
-- a dimension, part of the primary key: SQLite changes a primary key by building the table anew.
-- Every old row is copied with endpoint '' ("not recorded"), then the raw rows still kept move
-- their share of it to their own endpoint: '' keeps old row − kept calls, each endpoint its kept
-- calls. Totals cannot change (each group's rows still sum to its old row), and '' keeps only
-- what retention dropped (RETENTION_DAYS deletes raw rows before a cutoff, so every hour after the
-- oldest kept call's hour is split whole). A group whose kept calls do not fit inside its old row
-- (any measure of '' below 0) keeps its old row whole, unsplit. Each call is added one row at a time
-- (no GROUP BY over all raw rows): memory stays at the page cache however many rows are kept.
-- The daily rollup moves the same way by the hourly rows just split, so a day and its hours agree.
-- one row per kept call: the hourly rollup's key and the call's share of each measure (as lib/rollups/definition.ts counts it)
CREATE TEMP VIEW `endpoint_calls` AS
SELECT (started_at / 3600000) * 3600000 AS hour_start, model, serving_path, region, api_key, coalesce(team, '') AS team,
  coalesce(project, '') AS project, coalesce(environment, '') AS environment, (session_affinity IS NOT NULL) AS has_affinity, endpoint,
  1 AS requests,
  (status >= 400) AS errors,
  (status = 429) AS rate_limited,
  (status = 503) AS overloaded,
  (status = 402) AS payment_required,
  (prompt_tokens IS NOT NULL AND cost_total_pico IS NULL) AS unpriced,
  (prompt_tokens IS NULL) AS usage_unknown,
  coalesce(prompt_tokens, 0) AS prompt_tokens,
  coalesce(cached_prompt_tokens, 0) AS cached_tokens,
  coalesce(completion_tokens, 0) AS completion_tokens,
  coalesce(cost_total_pico / 1000000, 0) AS cost_micros,
  coalesce(cost_total_pico % 1000000, 0) AS cost_pico_remainder,
  coalesce(cache_savings_pico / 1000000, 0) AS savings_micros,
  coalesce(cache_savings_pico % 1000000, 0) AS savings_pico_remainder,
  coalesce((CASE WHEN standard_cost_pico IS NOT NULL AND serving_path NOT IN ('spot', 'flex', 'batch') THEN standard_cost_pico END) / 1000000, 0) AS standard_cost_micros,
  coalesce((CASE WHEN standard_cost_pico IS NOT NULL AND serving_path NOT IN ('spot', 'flex', 'batch') THEN standard_cost_pico END) % 1000000, 0) AS standard_cost_pico_remainder,
  coalesce((CASE WHEN standard_cost_pico IS NOT NULL AND serving_path NOT IN ('spot', 'flex', 'batch') THEN cost_total_pico END) / 1000000, 0) AS premium_cost_micros,
  coalesce((CASE WHEN standard_cost_pico IS NOT NULL AND serving_path NOT IN ('spot', 'flex', 'batch') THEN cost_total_pico END) % 1000000, 0) AS premium_cost_pico_remainder,
  coalesce(CASE WHEN prompt_tokens > 0 THEN (coalesce(cached_prompt_tokens, 0) * 1000000) / prompt_tokens END, 0) AS hit_rate_ppm_sum,
  coalesce(prompt_tokens > 0, 0) AS requests_with_prompt,
  coalesce(cached_tokens_disagree = 1, 0) AS cached_mismatch
FROM requests;
--> statement-breakpoint
CREATE TABLE `__new_usage_hourly` (
	`hour_start` integer NOT NULL,
	`model` text NOT NULL,
	`serving_path` text NOT NULL,
	`region` text NOT NULL,
	`api_key` text NOT NULL,
	`team` text NOT NULL,
	`project` text NOT NULL,
	`environment` text NOT NULL,
	`has_affinity` integer NOT NULL,
	`endpoint` text NOT NULL,
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
	PRIMARY KEY(`hour_start`, `model`, `serving_path`, `region`, `api_key`, `team`, `project`, `environment`, `has_affinity`, `endpoint`)
);
--> statement-breakpoint
INSERT INTO `__new_usage_hourly` (hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity, endpoint, requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch)
SELECT hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity, '', requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch FROM `usage_hourly`;
--> statement-breakpoint
-- each kept call, one by one: out of '' ...
INSERT INTO `__new_usage_hourly` (hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity, endpoint, requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch)
SELECT hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity, '', -requests, -errors, -rate_limited, -overloaded, -payment_required, -unpriced, -usage_unknown, -prompt_tokens, -cached_tokens, -completion_tokens, -cost_micros, -cost_pico_remainder, -savings_micros, -savings_pico_remainder, -standard_cost_micros, -standard_cost_pico_remainder, -premium_cost_micros, -premium_cost_pico_remainder, -hit_rate_ppm_sum, -requests_with_prompt, -cached_mismatch FROM `endpoint_calls` WHERE 1
ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, errors = errors + excluded.errors, rate_limited = rate_limited + excluded.rate_limited, overloaded = overloaded + excluded.overloaded, payment_required = payment_required + excluded.payment_required, unpriced = unpriced + excluded.unpriced, usage_unknown = usage_unknown + excluded.usage_unknown, prompt_tokens = prompt_tokens + excluded.prompt_tokens, cached_tokens = cached_tokens + excluded.cached_tokens, completion_tokens = completion_tokens + excluded.completion_tokens, cost_micros = cost_micros + excluded.cost_micros, cost_pico_remainder = cost_pico_remainder + excluded.cost_pico_remainder, savings_micros = savings_micros + excluded.savings_micros, savings_pico_remainder = savings_pico_remainder + excluded.savings_pico_remainder, standard_cost_micros = standard_cost_micros + excluded.standard_cost_micros, standard_cost_pico_remainder = standard_cost_pico_remainder + excluded.standard_cost_pico_remainder, premium_cost_micros = premium_cost_micros + excluded.premium_cost_micros, premium_cost_pico_remainder = premium_cost_pico_remainder + excluded.premium_cost_pico_remainder, hit_rate_ppm_sum = hit_rate_ppm_sum + excluded.hit_rate_ppm_sum, requests_with_prompt = requests_with_prompt + excluded.requests_with_prompt, cached_mismatch = cached_mismatch + excluded.cached_mismatch;
--> statement-breakpoint
-- ... and into their endpoint
INSERT INTO `__new_usage_hourly` (hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity, endpoint, requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch)
SELECT hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity, endpoint, requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch FROM `endpoint_calls` WHERE 1
ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, errors = errors + excluded.errors, rate_limited = rate_limited + excluded.rate_limited, overloaded = overloaded + excluded.overloaded, payment_required = payment_required + excluded.payment_required, unpriced = unpriced + excluded.unpriced, usage_unknown = usage_unknown + excluded.usage_unknown, prompt_tokens = prompt_tokens + excluded.prompt_tokens, cached_tokens = cached_tokens + excluded.cached_tokens, completion_tokens = completion_tokens + excluded.completion_tokens, cost_micros = cost_micros + excluded.cost_micros, cost_pico_remainder = cost_pico_remainder + excluded.cost_pico_remainder, savings_micros = savings_micros + excluded.savings_micros, savings_pico_remainder = savings_pico_remainder + excluded.savings_pico_remainder, standard_cost_micros = standard_cost_micros + excluded.standard_cost_micros, standard_cost_pico_remainder = standard_cost_pico_remainder + excluded.standard_cost_pico_remainder, premium_cost_micros = premium_cost_micros + excluded.premium_cost_micros, premium_cost_pico_remainder = premium_cost_pico_remainder + excluded.premium_cost_pico_remainder, hit_rate_ppm_sum = hit_rate_ppm_sum + excluded.hit_rate_ppm_sum, requests_with_prompt = requests_with_prompt + excluded.requests_with_prompt, cached_mismatch = cached_mismatch + excluded.cached_mismatch;
--> statement-breakpoint
-- groups the kept calls do not fit in go back to their old row, whole and unsplit
CREATE TEMP TABLE `endpoint_unfit` AS SELECT hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity FROM `__new_usage_hourly` WHERE endpoint = '' AND (requests < 0 OR errors < 0 OR rate_limited < 0 OR overloaded < 0 OR payment_required < 0 OR unpriced < 0 OR usage_unknown < 0 OR prompt_tokens < 0 OR cached_tokens < 0 OR completion_tokens < 0 OR cost_micros < 0 OR cost_pico_remainder < 0 OR savings_micros < 0 OR savings_pico_remainder < 0 OR standard_cost_micros < 0 OR standard_cost_pico_remainder < 0 OR premium_cost_micros < 0 OR premium_cost_pico_remainder < 0 OR hit_rate_ppm_sum < 0 OR requests_with_prompt < 0 OR cached_mismatch < 0);
--> statement-breakpoint
UPDATE `__new_usage_hourly` SET requests = g.requests, errors = g.errors, rate_limited = g.rate_limited, overloaded = g.overloaded, payment_required = g.payment_required, unpriced = g.unpriced, usage_unknown = g.usage_unknown, prompt_tokens = g.prompt_tokens, cached_tokens = g.cached_tokens, completion_tokens = g.completion_tokens, cost_micros = g.cost_micros, cost_pico_remainder = g.cost_pico_remainder, savings_micros = g.savings_micros, savings_pico_remainder = g.savings_pico_remainder, standard_cost_micros = g.standard_cost_micros, standard_cost_pico_remainder = g.standard_cost_pico_remainder, premium_cost_micros = g.premium_cost_micros, premium_cost_pico_remainder = g.premium_cost_pico_remainder, hit_rate_ppm_sum = g.hit_rate_ppm_sum, requests_with_prompt = g.requests_with_prompt, cached_mismatch = g.cached_mismatch
FROM (SELECT hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity, sum(requests) AS requests, sum(errors) AS errors, sum(rate_limited) AS rate_limited, sum(overloaded) AS overloaded, sum(payment_required) AS payment_required, sum(unpriced) AS unpriced, sum(usage_unknown) AS usage_unknown, sum(prompt_tokens) AS prompt_tokens, sum(cached_tokens) AS cached_tokens, sum(completion_tokens) AS completion_tokens, sum(cost_micros) AS cost_micros, sum(cost_pico_remainder) AS cost_pico_remainder, sum(savings_micros) AS savings_micros, sum(savings_pico_remainder) AS savings_pico_remainder, sum(standard_cost_micros) AS standard_cost_micros, sum(standard_cost_pico_remainder) AS standard_cost_pico_remainder, sum(premium_cost_micros) AS premium_cost_micros, sum(premium_cost_pico_remainder) AS premium_cost_pico_remainder, sum(hit_rate_ppm_sum) AS hit_rate_ppm_sum, sum(requests_with_prompt) AS requests_with_prompt, sum(cached_mismatch) AS cached_mismatch FROM `__new_usage_hourly` WHERE (hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity) IN (SELECT hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity FROM `endpoint_unfit`) GROUP BY hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity) AS g
WHERE `__new_usage_hourly`.endpoint = '' AND `__new_usage_hourly`.hour_start = g.hour_start AND `__new_usage_hourly`.model = g.model AND `__new_usage_hourly`.serving_path = g.serving_path AND `__new_usage_hourly`.region = g.region AND `__new_usage_hourly`.api_key = g.api_key AND `__new_usage_hourly`.team = g.team AND `__new_usage_hourly`.project = g.project AND `__new_usage_hourly`.environment = g.environment AND `__new_usage_hourly`.has_affinity = g.has_affinity;
--> statement-breakpoint
DELETE FROM `__new_usage_hourly` WHERE endpoint != '' AND (hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity) IN (SELECT hour_start, model, serving_path, region, api_key, team, project, environment, has_affinity FROM `endpoint_unfit`);
--> statement-breakpoint
DROP TABLE `endpoint_unfit`;
--> statement-breakpoint
-- what is left in '' is the calls retention dropped; an all-zero row means none were
DELETE FROM `__new_usage_hourly` WHERE endpoint = '' AND requests = 0 AND errors = 0 AND rate_limited = 0 AND overloaded = 0 AND payment_required = 0 AND unpriced = 0 AND usage_unknown = 0 AND prompt_tokens = 0 AND cached_tokens = 0 AND completion_tokens = 0 AND cost_micros = 0 AND cost_pico_remainder = 0 AND savings_micros = 0 AND savings_pico_remainder = 0 AND standard_cost_micros = 0 AND standard_cost_pico_remainder = 0 AND premium_cost_micros = 0 AND premium_cost_pico_remainder = 0 AND hit_rate_ppm_sum = 0 AND requests_with_prompt = 0 AND cached_mismatch = 0;
--> statement-breakpoint
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
	`endpoint` text NOT NULL,
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
	PRIMARY KEY(`day_start`, `model`, `serving_path`, `region`, `api_key`, `team`, `project`, `environment`, `has_affinity`, `endpoint`)
);
--> statement-breakpoint
INSERT INTO `__new_usage_daily` (day_start, model, serving_path, region, api_key, team, project, environment, has_affinity, endpoint, requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch)
SELECT day_start, model, serving_path, region, api_key, team, project, environment, has_affinity, '', requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch FROM `usage_daily`;
--> statement-breakpoint
-- each hour's split: out of '' ...
INSERT INTO `__new_usage_daily` (day_start, model, serving_path, region, api_key, team, project, environment, has_affinity, endpoint, requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch)
SELECT (hour_start / 86400000) * 86400000, model, serving_path, region, api_key, team, project, environment, has_affinity, '', -requests, -errors, -rate_limited, -overloaded, -payment_required, -unpriced, -usage_unknown, -prompt_tokens, -cached_tokens, -completion_tokens, -cost_micros, -cost_pico_remainder, -savings_micros, -savings_pico_remainder, -standard_cost_micros, -standard_cost_pico_remainder, -premium_cost_micros, -premium_cost_pico_remainder, -hit_rate_ppm_sum, -requests_with_prompt, -cached_mismatch FROM `__new_usage_hourly` WHERE endpoint != ''
ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, errors = errors + excluded.errors, rate_limited = rate_limited + excluded.rate_limited, overloaded = overloaded + excluded.overloaded, payment_required = payment_required + excluded.payment_required, unpriced = unpriced + excluded.unpriced, usage_unknown = usage_unknown + excluded.usage_unknown, prompt_tokens = prompt_tokens + excluded.prompt_tokens, cached_tokens = cached_tokens + excluded.cached_tokens, completion_tokens = completion_tokens + excluded.completion_tokens, cost_micros = cost_micros + excluded.cost_micros, cost_pico_remainder = cost_pico_remainder + excluded.cost_pico_remainder, savings_micros = savings_micros + excluded.savings_micros, savings_pico_remainder = savings_pico_remainder + excluded.savings_pico_remainder, standard_cost_micros = standard_cost_micros + excluded.standard_cost_micros, standard_cost_pico_remainder = standard_cost_pico_remainder + excluded.standard_cost_pico_remainder, premium_cost_micros = premium_cost_micros + excluded.premium_cost_micros, premium_cost_pico_remainder = premium_cost_pico_remainder + excluded.premium_cost_pico_remainder, hit_rate_ppm_sum = hit_rate_ppm_sum + excluded.hit_rate_ppm_sum, requests_with_prompt = requests_with_prompt + excluded.requests_with_prompt, cached_mismatch = cached_mismatch + excluded.cached_mismatch;
--> statement-breakpoint
-- ... and into their endpoint
INSERT INTO `__new_usage_daily` (day_start, model, serving_path, region, api_key, team, project, environment, has_affinity, endpoint, requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch)
SELECT (hour_start / 86400000) * 86400000, model, serving_path, region, api_key, team, project, environment, has_affinity, endpoint, requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch FROM `__new_usage_hourly` WHERE endpoint != ''
ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, errors = errors + excluded.errors, rate_limited = rate_limited + excluded.rate_limited, overloaded = overloaded + excluded.overloaded, payment_required = payment_required + excluded.payment_required, unpriced = unpriced + excluded.unpriced, usage_unknown = usage_unknown + excluded.usage_unknown, prompt_tokens = prompt_tokens + excluded.prompt_tokens, cached_tokens = cached_tokens + excluded.cached_tokens, completion_tokens = completion_tokens + excluded.completion_tokens, cost_micros = cost_micros + excluded.cost_micros, cost_pico_remainder = cost_pico_remainder + excluded.cost_pico_remainder, savings_micros = savings_micros + excluded.savings_micros, savings_pico_remainder = savings_pico_remainder + excluded.savings_pico_remainder, standard_cost_micros = standard_cost_micros + excluded.standard_cost_micros, standard_cost_pico_remainder = standard_cost_pico_remainder + excluded.standard_cost_pico_remainder, premium_cost_micros = premium_cost_micros + excluded.premium_cost_micros, premium_cost_pico_remainder = premium_cost_pico_remainder + excluded.premium_cost_pico_remainder, hit_rate_ppm_sum = hit_rate_ppm_sum + excluded.hit_rate_ppm_sum, requests_with_prompt = requests_with_prompt + excluded.requests_with_prompt, cached_mismatch = cached_mismatch + excluded.cached_mismatch;
--> statement-breakpoint
-- groups the kept calls do not fit in go back to their old row, whole and unsplit
CREATE TEMP TABLE `endpoint_unfit` AS SELECT day_start, model, serving_path, region, api_key, team, project, environment, has_affinity FROM `__new_usage_daily` WHERE endpoint = '' AND (requests < 0 OR errors < 0 OR rate_limited < 0 OR overloaded < 0 OR payment_required < 0 OR unpriced < 0 OR usage_unknown < 0 OR prompt_tokens < 0 OR cached_tokens < 0 OR completion_tokens < 0 OR cost_micros < 0 OR cost_pico_remainder < 0 OR savings_micros < 0 OR savings_pico_remainder < 0 OR standard_cost_micros < 0 OR standard_cost_pico_remainder < 0 OR premium_cost_micros < 0 OR premium_cost_pico_remainder < 0 OR hit_rate_ppm_sum < 0 OR requests_with_prompt < 0 OR cached_mismatch < 0);
--> statement-breakpoint
UPDATE `__new_usage_daily` SET requests = g.requests, errors = g.errors, rate_limited = g.rate_limited, overloaded = g.overloaded, payment_required = g.payment_required, unpriced = g.unpriced, usage_unknown = g.usage_unknown, prompt_tokens = g.prompt_tokens, cached_tokens = g.cached_tokens, completion_tokens = g.completion_tokens, cost_micros = g.cost_micros, cost_pico_remainder = g.cost_pico_remainder, savings_micros = g.savings_micros, savings_pico_remainder = g.savings_pico_remainder, standard_cost_micros = g.standard_cost_micros, standard_cost_pico_remainder = g.standard_cost_pico_remainder, premium_cost_micros = g.premium_cost_micros, premium_cost_pico_remainder = g.premium_cost_pico_remainder, hit_rate_ppm_sum = g.hit_rate_ppm_sum, requests_with_prompt = g.requests_with_prompt, cached_mismatch = g.cached_mismatch
FROM (SELECT day_start, model, serving_path, region, api_key, team, project, environment, has_affinity, sum(requests) AS requests, sum(errors) AS errors, sum(rate_limited) AS rate_limited, sum(overloaded) AS overloaded, sum(payment_required) AS payment_required, sum(unpriced) AS unpriced, sum(usage_unknown) AS usage_unknown, sum(prompt_tokens) AS prompt_tokens, sum(cached_tokens) AS cached_tokens, sum(completion_tokens) AS completion_tokens, sum(cost_micros) AS cost_micros, sum(cost_pico_remainder) AS cost_pico_remainder, sum(savings_micros) AS savings_micros, sum(savings_pico_remainder) AS savings_pico_remainder, sum(standard_cost_micros) AS standard_cost_micros, sum(standard_cost_pico_remainder) AS standard_cost_pico_remainder, sum(premium_cost_micros) AS premium_cost_micros, sum(premium_cost_pico_remainder) AS premium_cost_pico_remainder, sum(hit_rate_ppm_sum) AS hit_rate_ppm_sum, sum(requests_with_prompt) AS requests_with_prompt, sum(cached_mismatch) AS cached_mismatch FROM `__new_usage_daily` WHERE (day_start, model, serving_path, region, api_key, team, project, environment, has_affinity) IN (SELECT day_start, model, serving_path, region, api_key, team, project, environment, has_affinity FROM `endpoint_unfit`) GROUP BY day_start, model, serving_path, region, api_key, team, project, environment, has_affinity) AS g
WHERE `__new_usage_daily`.endpoint = '' AND `__new_usage_daily`.day_start = g.day_start AND `__new_usage_daily`.model = g.model AND `__new_usage_daily`.serving_path = g.serving_path AND `__new_usage_daily`.region = g.region AND `__new_usage_daily`.api_key = g.api_key AND `__new_usage_daily`.team = g.team AND `__new_usage_daily`.project = g.project AND `__new_usage_daily`.environment = g.environment AND `__new_usage_daily`.has_affinity = g.has_affinity;
--> statement-breakpoint
DELETE FROM `__new_usage_daily` WHERE endpoint != '' AND (day_start, model, serving_path, region, api_key, team, project, environment, has_affinity) IN (SELECT day_start, model, serving_path, region, api_key, team, project, environment, has_affinity FROM `endpoint_unfit`);
--> statement-breakpoint
DROP TABLE `endpoint_unfit`;
--> statement-breakpoint
-- what is left in '' is the calls retention dropped; an all-zero row means none were
DELETE FROM `__new_usage_daily` WHERE endpoint = '' AND requests = 0 AND errors = 0 AND rate_limited = 0 AND overloaded = 0 AND payment_required = 0 AND unpriced = 0 AND usage_unknown = 0 AND prompt_tokens = 0 AND cached_tokens = 0 AND completion_tokens = 0 AND cost_micros = 0 AND cost_pico_remainder = 0 AND savings_micros = 0 AND savings_pico_remainder = 0 AND standard_cost_micros = 0 AND standard_cost_pico_remainder = 0 AND premium_cost_micros = 0 AND premium_cost_pico_remainder = 0 AND hit_rate_ppm_sum = 0 AND requests_with_prompt = 0 AND cached_mismatch = 0;
--> statement-breakpoint
DROP VIEW `endpoint_calls`;
--> statement-breakpoint
DROP TABLE `usage_hourly`;
--> statement-breakpoint
ALTER TABLE `__new_usage_hourly` RENAME TO `usage_hourly`;
--> statement-breakpoint
DROP TABLE `usage_daily`;
--> statement-breakpoint
ALTER TABLE `__new_usage_daily` RENAME TO `usage_daily`;
