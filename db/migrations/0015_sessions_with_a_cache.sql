-- Sessions of endpoints without a prompt cache (embeddings) leave the session rollup: "Sessions that
-- miss the cache" listed nothing but embedding sessions. Each affected session is totalled again
-- from its other calls (lib/rollups/apply.ts keeps it so from here on).
CREATE TEMP TABLE `uncached_sessions` AS
  SELECT DISTINCT `session_affinity`, `api_key`, `model` FROM `requests` WHERE `session_affinity` IS NOT NULL AND `endpoint` = 'embeddings';
--> statement-breakpoint
DELETE FROM `session_totals` WHERE (`session_affinity`, `api_key`, `model`) IN (SELECT `session_affinity`, `api_key`, `model` FROM `uncached_sessions`);
--> statement-breakpoint
INSERT INTO `session_totals` (`session_affinity`, `api_key`, `model`, `requests`, `prompt_tokens`, `cached_tokens`, `first_seen`, `last_seen`)
  SELECT `session_affinity`, `api_key`, `model`, count(*), coalesce(sum(`prompt_tokens`), 0), coalesce(sum(`cached_prompt_tokens`), 0), min(`started_at`), max(`started_at`)
  FROM `requests`
  WHERE `endpoint` IN ('chat/completions', 'completions', 'messages')
    AND (`session_affinity`, `api_key`, `model`) IN (SELECT `session_affinity`, `api_key`, `model` FROM `uncached_sessions`)
  GROUP BY 1, 2, 3;
--> statement-breakpoint
DROP TABLE `uncached_sessions`;
