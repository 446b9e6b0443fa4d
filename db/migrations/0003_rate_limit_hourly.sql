CREATE TABLE `rate_limit_hourly` (
	`api_key` text NOT NULL,
	`hour_start` integer NOT NULL,
	`model` text NOT NULL,
	`requests` integer NOT NULL,
	`rate_limited` integer NOT NULL,
	`overloaded` integer NOT NULL,
	`busiest_prompt_tokens` integer NOT NULL,
	`busiest_uncached_prompt_tokens` integer NOT NULL,
	`busiest_generated_tokens` integer NOT NULL,
	`limit_prompt_tpm` integer,
	`limit_uncached_prompt_tpm` integer,
	`limit_generated_tpm` integer,
	`peak_minute_start` integer NOT NULL,
	`peak_prompt_tokens` integer NOT NULL,
	`peak_uncached_prompt_tokens` integer NOT NULL,
	`peak_generated_tokens` integer NOT NULL,
	`peak_limit_prompt_tpm` integer,
	`peak_limit_uncached_prompt_tpm` integer,
	`peak_limit_generated_tpm` integer,
	`peak_share` real NOT NULL,
	PRIMARY KEY(`api_key`, `hour_start`, `model`)
);
--> statement-breakpoint
-- Backfill from the minutes already kept (raw rows may be gone to retention); the share expression
-- is usedShareSql in lib/rollups/rate-limit-peaks.ts, written out.
WITH minutes AS (
	SELECT minute_start, model, api_key, requests, rate_limited, overloaded, prompt_tokens AS p, uncached_prompt_tokens AS u,
		generated_tokens AS g, limit_prompt_tpm AS lp, limit_uncached_prompt_tpm AS lu, limit_generated_tpm AS lg
	FROM rate_limit_minutely
	UNION ALL
	SELECT minute_start, model, '*', sum(requests), sum(rate_limited), sum(overloaded), sum(prompt_tokens), sum(uncached_prompt_tokens),
		sum(generated_tokens), min(limit_prompt_tpm), min(limit_uncached_prompt_tpm), min(limit_generated_tpm)
	FROM rate_limit_minutely GROUP BY minute_start, model
),
ranked AS (
	SELECT *, sum(requests) OVER hour AS hour_requests, sum(rate_limited) OVER hour AS hour_rate_limited,
		sum(overloaded) OVER hour AS hour_overloaded, max(p) OVER hour AS busiest_p, max(u) OVER hour AS busiest_u,
		max(g) OVER hour AS busiest_g, min(lp) OVER hour AS hour_lp, min(lu) OVER hour AS hour_lu, min(lg) OVER hour AS hour_lg,
		row_number() OVER (hour ORDER BY share DESC, p DESC, minute_start) AS rank
	FROM (
		SELECT *, (minute_start / 3600000) * 3600000 AS hour_start,
			max(coalesce(p * 1.0 / nullif(lp, 0), 0), coalesce(u * 1.0 / nullif(lu, 0), 0), coalesce(g * 1.0 / nullif(lg, 0), 0)) AS share
		FROM minutes
	)
	WINDOW hour AS (PARTITION BY hour_start, model, api_key)
)
INSERT INTO `rate_limit_hourly` (`api_key`, `hour_start`, `model`, `requests`, `rate_limited`, `overloaded`,
	`busiest_prompt_tokens`, `busiest_uncached_prompt_tokens`, `busiest_generated_tokens`,
	`limit_prompt_tpm`, `limit_uncached_prompt_tpm`, `limit_generated_tpm`, `peak_minute_start`, `peak_prompt_tokens`,
	`peak_uncached_prompt_tokens`, `peak_generated_tokens`, `peak_limit_prompt_tpm`, `peak_limit_uncached_prompt_tpm`,
	`peak_limit_generated_tpm`, `peak_share`)
SELECT api_key, hour_start, model, hour_requests, hour_rate_limited, hour_overloaded, busiest_p, busiest_u, busiest_g,
	hour_lp, hour_lu, hour_lg, minute_start, p, u, g, lp, lu, lg, share
FROM ranked WHERE rank = 1;
