CREATE TABLE "assignment_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"call_version" integer NOT NULL,
	"status" text NOT NULL,
	"input_hash" text NOT NULL,
	"parameters" jsonb NOT NULL,
	"solver" jsonb NOT NULL,
	"objective" jsonb,
	"diagnosis" jsonb,
	"proposal_count" integer NOT NULL,
	"reviewer_count" integer NOT NULL,
	"applied" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"created_by_label" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assignments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"proposal_id" uuid NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"run_id" uuid,
	"affinity" integer,
	"reason" text,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"changed_at" timestamp with time zone NOT NULL,
	"changed_by" uuid
);
--> statement-breakpoint
CREATE TABLE "coi_declarations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" uuid NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"proposal_id" uuid NOT NULL,
	"conflict" boolean NOT NULL,
	"note" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"declared_at" timestamp with time zone NOT NULL,
	"declared_by" uuid
);
--> statement-breakpoint
CREATE TABLE "coi_detections" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_id" uuid NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"proposal_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"facts" jsonb NOT NULL,
	"message" text NOT NULL,
	"detected_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "confidentiality_acceptances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"call_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"statement_version" text NOT NULL,
	"statement_hash" text NOT NULL,
	"accepted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consensus_scores" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"proposal_id" uuid NOT NULL,
	"scores" jsonb NOT NULL,
	"justification" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"decided_by" uuid,
	"decided_by_label" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reviewer_invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"call_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"sent_by" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"outcome" text,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reviewers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" uuid NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"organisation_name" text NOT NULL,
	"organisation_ror_id" text,
	"country" text NOT NULL,
	"expertise" jsonb NOT NULL,
	"orcid" text,
	"employed_by_funder_id" text,
	"collaborators" jsonb NOT NULL,
	"max_load" integer,
	"status" text NOT NULL,
	"user_id" uuid,
	"responded_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"proposal_id" uuid NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"assignment_id" uuid NOT NULL,
	"status" text NOT NULL,
	"scores" jsonb NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"submitted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "assignment_runs" ADD CONSTRAINT "assignment_runs_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_reviewer_id_reviewers_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."reviewers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_run_id_assignment_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."assignment_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coi_declarations" ADD CONSTRAINT "coi_declarations_reviewer_id_reviewers_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."reviewers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coi_declarations" ADD CONSTRAINT "coi_declarations_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coi_detections" ADD CONSTRAINT "coi_detections_reviewer_id_reviewers_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."reviewers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coi_detections" ADD CONSTRAINT "coi_detections_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "confidentiality_acceptances" ADD CONSTRAINT "confidentiality_acceptances_reviewer_id_reviewers_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."reviewers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consensus_scores" ADD CONSTRAINT "consensus_scores_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consensus_scores" ADD CONSTRAINT "consensus_scores_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewer_invitations" ADD CONSTRAINT "reviewer_invitations_reviewer_id_reviewers_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."reviewers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewers" ADD CONSTRAINT "reviewers_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewers" ADD CONSTRAINT "reviewers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_reviewer_id_reviewers_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."reviewers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assignment_runs_call_idx" ON "assignment_runs" USING btree ("call_id","stage");--> statement-breakpoint
CREATE UNIQUE INDEX "assignments_pair_key" ON "assignments" USING btree ("stage","proposal_id","reviewer_id");--> statement-breakpoint
CREATE INDEX "assignments_call_idx" ON "assignments" USING btree ("call_id","stage","status");--> statement-breakpoint
CREATE INDEX "assignments_reviewer_idx" ON "assignments" USING btree ("reviewer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "coi_declarations_pair_key" ON "coi_declarations" USING btree ("reviewer_id","proposal_id");--> statement-breakpoint
CREATE INDEX "coi_declarations_call_idx" ON "coi_declarations" USING btree ("call_id");--> statement-breakpoint
CREATE UNIQUE INDEX "coi_detections_pair_reason_key" ON "coi_detections" USING btree ("reviewer_id","proposal_id","reason");--> statement-breakpoint
CREATE INDEX "coi_detections_call_idx" ON "coi_detections" USING btree ("call_id");--> statement-breakpoint
CREATE UNIQUE INDEX "confidentiality_acceptances_reviewer_key" ON "confidentiality_acceptances" USING btree ("reviewer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "consensus_scores_pair_key" ON "consensus_scores" USING btree ("stage","proposal_id");--> statement-breakpoint
CREATE INDEX "consensus_scores_call_idx" ON "consensus_scores" USING btree ("call_id","stage");--> statement-breakpoint
CREATE UNIQUE INDEX "reviewer_invitations_token_hash_key" ON "reviewer_invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "reviewer_invitations_reviewer_idx" ON "reviewer_invitations" USING btree ("reviewer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reviewers_call_email_key" ON "reviewers" USING btree ("call_id","email");--> statement-breakpoint
CREATE INDEX "reviewers_user_idx" ON "reviewers" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reviews_pair_key" ON "reviews" USING btree ("stage","proposal_id","reviewer_id");--> statement-breakpoint
CREATE INDEX "reviews_call_idx" ON "reviews" USING btree ("call_id","stage");