CREATE INDEX `requests_upstream_request_id` ON `requests` (`upstream_request_id`);--> statement-breakpoint
CREATE INDEX `requests_session_affinity` ON `requests` (`session_affinity`);--> statement-breakpoint
CREATE INDEX `requests_user` ON `requests` (`user`);