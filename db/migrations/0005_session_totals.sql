-- Sessions totalled over their whole recorded life, replacing the per-day session rows: ranking every
-- session over a quarter meant grouping millions of day rows (9 s at 10M calls). WITHOUT ROWID
-- keeps each session's row in its primary key, which every ingest upsert looks up.
CREATE TABLE `session_totals` (
	`session_affinity` text NOT NULL,
	`api_key` text NOT NULL,
	`model` text NOT NULL,
	`requests` integer NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`cached_tokens` integer NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	PRIMARY KEY(`session_affinity`, `api_key`, `model`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Backfilled from the daily rows (raw rows may already be gone under RETENTION_DAYS); those only
-- knew the first day, so first_seen is that day's midnight for sessions recorded before this migration.
INSERT INTO `session_totals` (`session_affinity`, `api_key`, `model`, `requests`, `prompt_tokens`, `cached_tokens`, `first_seen`, `last_seen`)
SELECT `session_affinity`, `api_key`, `model`, sum(`requests`), sum(`prompt_tokens`), sum(`cached_tokens`), min(`day_start`), max(`last_seen`)
FROM `session_daily` GROUP BY `session_affinity`, `api_key`, `model`;
--> statement-breakpoint
CREATE INDEX `session_totals_worst_hit_rate` ON `session_totals` (CAST(`cached_tokens` AS REAL) / `prompt_tokens`, `prompt_tokens` DESC) WHERE `requests` >= 2 AND `prompt_tokens` > 0;
--> statement-breakpoint
DROP TABLE `session_daily`;
