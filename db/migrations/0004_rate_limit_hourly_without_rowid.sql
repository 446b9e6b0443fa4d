-- The table was meant to be WITHOUT ROWID (see db/schema/rollups.ts): the page reads the '*' rows or a
-- few keys over a run of hours, which then lie side by side instead of in 20k scattered row lookups.
-- drizzle cannot declare it, and 0003 went out without it, so rebuild the table once.
CREATE TABLE `__new_rate_limit_hourly` (
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
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_rate_limit_hourly` (`api_key`, `hour_start`, `model`, `requests`, `rate_limited`, `overloaded`, `busiest_prompt_tokens`, `busiest_uncached_prompt_tokens`, `busiest_generated_tokens`, `limit_prompt_tpm`, `limit_uncached_prompt_tpm`, `limit_generated_tpm`, `peak_minute_start`, `peak_prompt_tokens`, `peak_uncached_prompt_tokens`, `peak_generated_tokens`, `peak_limit_prompt_tpm`, `peak_limit_uncached_prompt_tpm`, `peak_limit_generated_tpm`, `peak_share`)
SELECT `api_key`, `hour_start`, `model`, `requests`, `rate_limited`, `overloaded`, `busiest_prompt_tokens`, `busiest_uncached_prompt_tokens`, `busiest_generated_tokens`, `limit_prompt_tpm`, `limit_uncached_prompt_tpm`, `limit_generated_tpm`, `peak_minute_start`, `peak_prompt_tokens`, `peak_uncached_prompt_tokens`, `peak_generated_tokens`, `peak_limit_prompt_tpm`, `peak_limit_uncached_prompt_tpm`, `peak_limit_generated_tpm`, `peak_share` FROM `rate_limit_hourly`;
--> statement-breakpoint
DROP TABLE `rate_limit_hourly`;
--> statement-breakpoint
ALTER TABLE `__new_rate_limit_hourly` RENAME TO `rate_limit_hourly`;
