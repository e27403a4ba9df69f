CREATE TABLE "funding_blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "funding_letter_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"funder_id" text,
	"call_version" integer NOT NULL,
	"recommendation_hash" text NOT NULL,
	"item_count" integer NOT NULL,
	"manifest_hash" text NOT NULL,
	"generated_at" timestamp with time zone NOT NULL,
	"generated_by" uuid,
	"generated_by_label" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "funding_letters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"batch_id" uuid NOT NULL,
	"call_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"proposal_id" uuid NOT NULL,
	"partner_id" text,
	"funder_id" text,
	"outcome" text NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"generated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "funding_recommendations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" uuid NOT NULL,
	"call_version" integer NOT NULL,
	"ranking_list_id" uuid NOT NULL,
	"ranking_hash" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"hash" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"recorded_by" uuid,
	"recorded_by_label" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "national_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_id" uuid NOT NULL,
	"proposal_id" uuid NOT NULL,
	"partner_id" text NOT NULL,
	"funder_id" text NOT NULL,
	"seq" integer NOT NULL,
	"decision" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"requested_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"reason" text NOT NULL,
	"call_version" integer NOT NULL,
	"recommendation_hash" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"decided_by" uuid,
	"decided_by_label" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "funding_letter_batches" ADD CONSTRAINT "funding_letter_batches_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funding_letters" ADD CONSTRAINT "funding_letters_batch_id_funding_letter_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."funding_letter_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funding_letters" ADD CONSTRAINT "funding_letters_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funding_letters" ADD CONSTRAINT "funding_letters_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funding_letters" ADD CONSTRAINT "funding_letters_sha256_funding_blobs_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."funding_blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funding_recommendations" ADD CONSTRAINT "funding_recommendations_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funding_recommendations" ADD CONSTRAINT "funding_recommendations_ranking_list_id_ranking_lists_id_fk" FOREIGN KEY ("ranking_list_id") REFERENCES "public"."ranking_lists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "national_decisions" ADD CONSTRAINT "national_decisions_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "national_decisions" ADD CONSTRAINT "national_decisions_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "funding_letter_batches_call_idx" ON "funding_letter_batches" USING btree ("call_id","kind","generated_at");--> statement-breakpoint
CREATE INDEX "funding_letters_batch_idx" ON "funding_letters" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "funding_letters_call_idx" ON "funding_letters" USING btree ("call_id","kind","proposal_id");--> statement-breakpoint
CREATE UNIQUE INDEX "funding_recommendations_call_key" ON "funding_recommendations" USING btree ("call_id");--> statement-breakpoint
CREATE UNIQUE INDEX "national_decisions_partner_seq_key" ON "national_decisions" USING btree ("proposal_id","partner_id","seq");--> statement-breakpoint
CREATE INDEX "national_decisions_call_funder_idx" ON "national_decisions" USING btree ("call_id","funder_id");