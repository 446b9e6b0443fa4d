DROP INDEX `requests_upstream_id`;--> statement-breakpoint
DROP INDEX `requests_upstream_request_id`;--> statement-breakpoint
DROP INDEX `requests_session_affinity`;--> statement-breakpoint
DROP INDEX `requests_user`;--> statement-breakpoint
CREATE INDEX `requests_hour_upstream_id` ON `requests` ("started_at" / 3600000,`upstream_id`);--> statement-breakpoint
CREATE INDEX `requests_hour_upstream_request_id` ON `requests` ("started_at" / 3600000,`upstream_request_id`);--> statement-breakpoint
CREATE INDEX `requests_hour_session_affinity` ON `requests` ("started_at" / 3600000,`session_affinity`);--> statement-breakpoint
CREATE INDEX `requests_hour_user` ON `requests` ("started_at" / 3600000,`user`);