CREATE TABLE "proxy_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"record_id" uuid NOT NULL,
	"proxy_staff_id" uuid NOT NULL,
	"community_id" uuid,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"acknowledged_note" text
);
--> statement-breakpoint
CREATE TABLE "proxy_confirmations" (
	"record_id" uuid PRIMARY KEY NOT NULL,
	"resident_id" uuid NOT NULL,
	"status" text NOT NULL,
	"channel" text NOT NULL,
	"delivery_id" uuid,
	"asked_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"answered_at" timestamp with time zone,
	"answered_via" text,
	"evidence" text,
	"answered_by_staff_id" uuid,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "proxy_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"intake_id" uuid NOT NULL,
	"visit_id" uuid NOT NULL,
	"resident_id" uuid NOT NULL,
	"proxy_staff_id" uuid NOT NULL,
	"community_id" uuid,
	"kind" text NOT NULL,
	"topic_id" uuid,
	"survey_id" uuid,
	"question_id" uuid,
	"choice" text,
	"text" text,
	"place" text,
	"reason" text NOT NULL,
	"interpreter_name" text,
	"consent_kind" text NOT NULL,
	"read_back_text" text NOT NULL,
	"read_back_locale" text NOT NULL,
	"read_back_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"location" text,
	"version" integer DEFAULT 1 NOT NULL,
	"supersedes_id" uuid,
	"correction_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "proxy_records_client_id_unique" UNIQUE("client_id"),
	CONSTRAINT "proxy_records_intake_id_unique" UNIQUE("intake_id")
);
--> statement-breakpoint
CREATE TABLE "proxy_visit_list" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"resident_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"topic_id" uuid,
	"delivery_id" uuid,
	"note" text,
	"community_id" uuid,
	"excluded_staff_id" uuid,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"closed_note" text
);
--> statement-breakpoint
CREATE TABLE "proxy_visits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"proxy_staff_id" uuid NOT NULL,
	"resident_id" uuid NOT NULL,
	"community_id" uuid,
	"reason" text NOT NULL,
	"reason_note" text,
	"interpreter_name" text,
	"locale" text NOT NULL,
	"consent_kind" text NOT NULL,
	"consent_signature" text,
	"consent_note" text,
	"guardian_name" text,
	"location" text,
	"started_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"extensions" smallint DEFAULT 0 NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "pending_prompts" ADD COLUMN "proxy_record_id" uuid;--> statement-breakpoint
ALTER TABLE "proxy_alerts" ADD CONSTRAINT "proxy_alerts_record_id_proxy_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."proxy_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_alerts" ADD CONSTRAINT "proxy_alerts_proxy_staff_id_staff_id_fk" FOREIGN KEY ("proxy_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_alerts" ADD CONSTRAINT "proxy_alerts_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_alerts" ADD CONSTRAINT "proxy_alerts_acknowledged_by_staff_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_confirmations" ADD CONSTRAINT "proxy_confirmations_record_id_proxy_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."proxy_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_confirmations" ADD CONSTRAINT "proxy_confirmations_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_confirmations" ADD CONSTRAINT "proxy_confirmations_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_confirmations" ADD CONSTRAINT "proxy_confirmations_answered_by_staff_id_staff_id_fk" FOREIGN KEY ("answered_by_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_records" ADD CONSTRAINT "proxy_records_intake_id_intakes_id_fk" FOREIGN KEY ("intake_id") REFERENCES "public"."intakes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_records" ADD CONSTRAINT "proxy_records_visit_id_proxy_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."proxy_visits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_records" ADD CONSTRAINT "proxy_records_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_records" ADD CONSTRAINT "proxy_records_proxy_staff_id_staff_id_fk" FOREIGN KEY ("proxy_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_records" ADD CONSTRAINT "proxy_records_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_records" ADD CONSTRAINT "proxy_records_topic_id_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."topics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_records" ADD CONSTRAINT "proxy_records_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_records" ADD CONSTRAINT "proxy_records_question_id_survey_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."survey_questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_visit_list" ADD CONSTRAINT "proxy_visit_list_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_visit_list" ADD CONSTRAINT "proxy_visit_list_topic_id_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."topics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_visit_list" ADD CONSTRAINT "proxy_visit_list_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_visit_list" ADD CONSTRAINT "proxy_visit_list_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_visit_list" ADD CONSTRAINT "proxy_visit_list_excluded_staff_id_staff_id_fk" FOREIGN KEY ("excluded_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_visit_list" ADD CONSTRAINT "proxy_visit_list_closed_by_staff_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_visits" ADD CONSTRAINT "proxy_visits_proxy_staff_id_staff_id_fk" FOREIGN KEY ("proxy_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_visits" ADD CONSTRAINT "proxy_visits_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_visits" ADD CONSTRAINT "proxy_visits_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "proxy_alerts_record_kind_uq" ON "proxy_alerts" USING btree ("record_id","kind");--> statement-breakpoint
CREATE INDEX "proxy_confirmations_status_idx" ON "proxy_confirmations" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "proxy_confirmations_resident_idx" ON "proxy_confirmations" USING btree ("resident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "proxy_records_supersedes_uq" ON "proxy_records" USING btree ("supersedes_id");--> statement-breakpoint
CREATE INDEX "proxy_records_proxy_idx" ON "proxy_records" USING btree ("proxy_staff_id","recorded_at");--> statement-breakpoint
CREATE INDEX "proxy_records_resident_idx" ON "proxy_records" USING btree ("resident_id");--> statement-breakpoint
CREATE INDEX "proxy_records_visit_idx" ON "proxy_records" USING btree ("visit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "proxy_visit_list_open_uq" ON "proxy_visit_list" USING btree ("resident_id","reason",coalesce("topic_id", '00000000-0000-0000-0000-000000000000'::uuid)) WHERE status = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "proxy_visit_list_delivery_uq" ON "proxy_visit_list" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "proxy_visit_list_community_idx" ON "proxy_visit_list" USING btree ("community_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "proxy_visits_one_open_uq" ON "proxy_visits" USING btree ("proxy_staff_id") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "proxy_visits_resident_idx" ON "proxy_visits" USING btree ("resident_id");