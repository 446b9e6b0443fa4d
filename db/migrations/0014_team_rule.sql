ALTER TABLE `requests` ADD `team_source` text;--> statement-breakpoint
UPDATE `requests` SET `team_source` = 'annotation' WHERE `team` IS NOT NULL;--> statement-breakpoint
-- Calls without an annotated team take their key's team from Settings; the server does it in the
-- background with the rollups (lib/settings/key-teams.ts), as SQL alone cannot move the rollups.
INSERT INTO `maintenance_tasks` (`name`, `requested_at`)
  SELECT 'key-teams', CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE EXISTS (SELECT 1 FROM `api_key_labels` WHERE `team` IS NOT NULL);
