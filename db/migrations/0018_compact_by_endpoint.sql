-- The compact hourly rollup gains the endpoint, so a breakdown or filter by endpoint (with model,
-- serving path or region at most) reads it instead of the full hourly rollup (15x the rows). Each
-- group is split by the full hourly rollup's endpoints where the two agree on every measure (they
-- are kept from the same calls); a group where they do not keeps its one row, endpoint '' ("not
-- recorded"), so no total changes.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_usage_hourly_compact` (
	`hour_start` integer NOT NULL,
	`model` text NOT NULL,
	`serving_path` text NOT NULL,
	`region` text NOT NULL,
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
	PRIMARY KEY(`hour_start`, `model`, `serving_path`, `region`, `endpoint`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TEMP TABLE `compact_from_hourly` AS SELECT hour_start, model, serving_path, region, sum(requests) AS requests, sum(errors) AS errors, sum(rate_limited) AS rate_limited, sum(overloaded) AS overloaded, sum(payment_required) AS payment_required, sum(unpriced) AS unpriced, sum(usage_unknown) AS usage_unknown, sum(prompt_tokens) AS prompt_tokens, sum(cached_tokens) AS cached_tokens, sum(completion_tokens) AS completion_tokens, sum(cost_micros) AS cost_micros, sum(cost_pico_remainder) AS cost_pico_remainder, sum(savings_micros) AS savings_micros, sum(savings_pico_remainder) AS savings_pico_remainder, sum(standard_cost_micros) AS standard_cost_micros, sum(standard_cost_pico_remainder) AS standard_cost_pico_remainder, sum(premium_cost_micros) AS premium_cost_micros, sum(premium_cost_pico_remainder) AS premium_cost_pico_remainder, sum(hit_rate_ppm_sum) AS hit_rate_ppm_sum, sum(requests_with_prompt) AS requests_with_prompt, sum(cached_mismatch) AS cached_mismatch FROM `usage_hourly` GROUP BY hour_start, model, serving_path, region;
--> statement-breakpoint
CREATE TEMP TABLE `compact_agrees` AS SELECT c.hour_start, c.model, c.serving_path, c.region FROM `usage_hourly_compact` c JOIN `compact_from_hourly` t ON c.hour_start = t.hour_start AND c.model = t.model AND c.serving_path = t.serving_path AND c.region = t.region AND c.requests = t.requests AND c.errors = t.errors AND c.rate_limited = t.rate_limited AND c.overloaded = t.overloaded AND c.payment_required = t.payment_required AND c.unpriced = t.unpriced AND c.usage_unknown = t.usage_unknown AND c.prompt_tokens = t.prompt_tokens AND c.cached_tokens = t.cached_tokens AND c.completion_tokens = t.completion_tokens AND c.cost_micros = t.cost_micros AND c.cost_pico_remainder = t.cost_pico_remainder AND c.savings_micros = t.savings_micros AND c.savings_pico_remainder = t.savings_pico_remainder AND c.standard_cost_micros = t.standard_cost_micros AND c.standard_cost_pico_remainder = t.standard_cost_pico_remainder AND c.premium_cost_micros = t.premium_cost_micros AND c.premium_cost_pico_remainder = t.premium_cost_pico_remainder AND c.hit_rate_ppm_sum = t.hit_rate_ppm_sum AND c.requests_with_prompt = t.requests_with_prompt AND c.cached_mismatch = t.cached_mismatch;
--> statement-breakpoint
INSERT INTO `__new_usage_hourly_compact` (hour_start, model, serving_path, region, endpoint, requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch)
  SELECT hour_start, model, serving_path, region, endpoint, sum(requests), sum(errors), sum(rate_limited), sum(overloaded), sum(payment_required), sum(unpriced), sum(usage_unknown), sum(prompt_tokens), sum(cached_tokens), sum(completion_tokens), sum(cost_micros), sum(cost_pico_remainder), sum(savings_micros), sum(savings_pico_remainder), sum(standard_cost_micros), sum(standard_cost_pico_remainder), sum(premium_cost_micros), sum(premium_cost_pico_remainder), sum(hit_rate_ppm_sum), sum(requests_with_prompt), sum(cached_mismatch) FROM `usage_hourly`
  WHERE (hour_start, model, serving_path, region) IN (SELECT hour_start, model, serving_path, region FROM `compact_agrees`) GROUP BY hour_start, model, serving_path, region, endpoint;
--> statement-breakpoint
INSERT INTO `__new_usage_hourly_compact` (hour_start, model, serving_path, region, endpoint, requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch)
  SELECT hour_start, model, serving_path, region, '', requests, errors, rate_limited, overloaded, payment_required, unpriced, usage_unknown, prompt_tokens, cached_tokens, completion_tokens, cost_micros, cost_pico_remainder, savings_micros, savings_pico_remainder, standard_cost_micros, standard_cost_pico_remainder, premium_cost_micros, premium_cost_pico_remainder, hit_rate_ppm_sum, requests_with_prompt, cached_mismatch FROM `usage_hourly_compact`
  WHERE (hour_start, model, serving_path, region) NOT IN (SELECT hour_start, model, serving_path, region FROM `compact_agrees`);
--> statement-breakpoint
DROP TABLE `compact_from_hourly`;
--> statement-breakpoint
DROP TABLE `compact_agrees`;
--> statement-breakpoint
DROP TABLE `usage_hourly_compact`;--> statement-breakpoint
ALTER TABLE `__new_usage_hourly_compact` RENAME TO `usage_hourly_compact`;--> statement-breakpoint
PRAGMA foreign_keys=ON;