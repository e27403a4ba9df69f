CREATE TABLE "automatic_checks" (
	"proposal_id" uuid NOT NULL,
	"proposal_seq" integer NOT NULL,
	"call_version" integer NOT NULL,
	"call_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"eligible" boolean NOT NULL,
	"error_count" integer NOT NULL,
	"warning_count" integer NOT NULL,
	"findings" jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "automatic_checks_proposal_id_proposal_seq_call_version_pk" PRIMARY KEY("proposal_id","proposal_seq","call_version")
);
--> statement-breakpoint
CREATE TABLE "formal_checks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_id" uuid NOT NULL,
	"proposal_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"proposal_seq" integer NOT NULL,
	"call_version" integer NOT NULL,
	"result" text NOT NULL,
	"items" jsonb NOT NULL,
	"note" text,
	"recorded_at" timestamp with time zone NOT NULL,
	"recorded_by" uuid,
	"recorded_by_label" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "funder_check_completions" (
	"call_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"funder_id" text NOT NULL,
	"call_version" integer NOT NULL,
	"done_at" timestamp with time zone NOT NULL,
	"done_by" uuid,
	"done_by_label" text NOT NULL,
	CONSTRAINT "funder_check_completions_call_id_stage_funder_id_pk" PRIMARY KEY("call_id","stage","funder_id")
);
--> statement-breakpoint
CREATE TABLE "official_verdicts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_id" uuid NOT NULL,
	"proposal_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"partner_id" text NOT NULL,
	"funder_id" text NOT NULL,
	"verdict" text NOT NULL,
	"reason_code" text,
	"note" text,
	"call_version" integer NOT NULL,
	"proposal_seq" integer NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"recorded_by" uuid,
	"recorded_by_label" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "automatic_checks" ADD CONSTRAINT "automatic_checks_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automatic_checks" ADD CONSTRAINT "automatic_checks_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "formal_checks" ADD CONSTRAINT "formal_checks_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "formal_checks" ADD CONSTRAINT "formal_checks_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funder_check_completions" ADD CONSTRAINT "funder_check_completions_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "funder_check_completions" ADD CONSTRAINT "funder_check_completions_funder_id_funders_id_fk" FOREIGN KEY ("funder_id") REFERENCES "public"."funders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "official_verdicts" ADD CONSTRAINT "official_verdicts_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "official_verdicts" ADD CONSTRAINT "official_verdicts_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "official_verdicts" ADD CONSTRAINT "official_verdicts_funder_id_funders_id_fk" FOREIGN KEY ("funder_id") REFERENCES "public"."funders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "automatic_checks_call_idx" ON "automatic_checks" USING btree ("call_id","stage","call_version");--> statement-breakpoint
CREATE INDEX "formal_checks_call_idx" ON "formal_checks" USING btree ("call_id","stage");--> statement-breakpoint
CREATE INDEX "formal_checks_proposal_idx" ON "formal_checks" USING btree ("proposal_id","stage","id");--> statement-breakpoint
CREATE INDEX "official_verdicts_call_funder_idx" ON "official_verdicts" USING btree ("call_id","stage","funder_id");--> statement-breakpoint
CREATE INDEX "official_verdicts_partner_idx" ON "official_verdicts" USING btree ("proposal_id","stage","partner_id","id");