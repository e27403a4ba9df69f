CREATE TABLE "ranking_lists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"call_version" integer NOT NULL,
	"entries" jsonb NOT NULL,
	"tie_break" jsonb NOT NULL,
	"hash" text NOT NULL,
	"frozen_at" timestamp with time zone NOT NULL,
	"frozen_by" uuid,
	"frozen_by_label" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ranking_lists" ADD CONSTRAINT "ranking_lists_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ranking_lists_call_stage_key" ON "ranking_lists" USING btree ("call_id","stage");--> statement-breakpoint
CREATE INDEX "ranking_lists_hash_idx" ON "ranking_lists" USING btree ("hash");