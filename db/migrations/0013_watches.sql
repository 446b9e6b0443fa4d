CREATE TABLE `watch_episodes` (
	`watch` text NOT NULL,
	`subject` text NOT NULL,
	`started_at` integer NOT NULL,
	`cleared_at` integer,
	PRIMARY KEY(`watch`, `subject`, `started_at`)
);
