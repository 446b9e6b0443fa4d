CREATE INDEX "requests_hour_cost" ON "requests" USING btree (("started_at" / 3600000),"cost_total_pico");--> statement-breakpoint
CREATE INDEX "requests_hour_duration" ON "requests" USING btree (("started_at" / 3600000),"duration_ms");--> statement-breakpoint
CREATE INDEX "requests_hour_ttft" ON "requests" USING btree (("started_at" / 3600000),"ttft_ms");