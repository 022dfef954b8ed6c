CREATE TABLE "participation_outreach" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"topic_id" uuid NOT NULL,
	"group" text NOT NULL,
	"action" text NOT NULL,
	"campaign_id" uuid,
	"residents" integer NOT NULL,
	"taken_by" uuid,
	"taken_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "responsibility_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" serial NOT NULL,
	"code" text GENERATED ALWAYS AS ('R' || number) STORED NOT NULL,
	"topic_id" uuid NOT NULL,
	"title" text NOT NULL,
	"acceptance_criteria" text NOT NULL,
	"lang" text NOT NULL,
	"department" text NOT NULL,
	"cooperating_departments" text[] DEFAULT '{}'::text[] NOT NULL,
	"assigned_on" date NOT NULL,
	"deadline_working_days" smallint NOT NULL,
	"due_on" date NOT NULL,
	"response_due_on" date,
	"status" text DEFAULT 'open' NOT NULL,
	"completed_at" timestamp with time zone,
	"completed_on" date,
	"completion_note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "responsibility_items_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "responsibility_progress" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"department" text NOT NULL,
	"staff_id" uuid,
	"note" text NOT NULL,
	"percent" smallint,
	"lang" text NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"reported_on" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supervision_flags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"department" text NOT NULL,
	"missed_on" date NOT NULL,
	"flagged_on" date NOT NULL,
	"flagged_at" timestamp with time zone NOT NULL,
	"notices_queued" integer DEFAULT 0 NOT NULL,
	"resolved_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"acknowledged_at" timestamp with time zone,
	"acknowledgement_note" text
);
--> statement-breakpoint
CREATE TABLE "topic_affected_groups" (
	"topic_id" uuid NOT NULL,
	"group" text NOT NULL,
	"marked_by" uuid,
	"marked_at" timestamp with time zone NOT NULL,
	CONSTRAINT "topic_affected_groups_topic_id_group_pk" PRIMARY KEY("topic_id","group")
);
--> statement-breakpoint
ALTER TABLE "participation_outreach" ADD CONSTRAINT "participation_outreach_topic_id_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."topics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_outreach" ADD CONSTRAINT "participation_outreach_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participation_outreach" ADD CONSTRAINT "participation_outreach_taken_by_staff_id_fk" FOREIGN KEY ("taken_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsibility_items" ADD CONSTRAINT "responsibility_items_topic_id_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."topics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsibility_items" ADD CONSTRAINT "responsibility_items_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsibility_progress" ADD CONSTRAINT "responsibility_progress_item_id_responsibility_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."responsibility_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "responsibility_progress" ADD CONSTRAINT "responsibility_progress_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_flags" ADD CONSTRAINT "supervision_flags_item_id_responsibility_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."responsibility_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_flags" ADD CONSTRAINT "supervision_flags_acknowledged_by_staff_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topic_affected_groups" ADD CONSTRAINT "topic_affected_groups_topic_id_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."topics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topic_affected_groups" ADD CONSTRAINT "topic_affected_groups_marked_by_staff_id_fk" FOREIGN KEY ("marked_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "participation_outreach_topic_idx" ON "participation_outreach" USING btree ("topic_id","group");--> statement-breakpoint
CREATE UNIQUE INDEX "responsibility_items_code_uq" ON "responsibility_items" USING btree ("code");--> statement-breakpoint
CREATE INDEX "responsibility_items_topic_idx" ON "responsibility_items" USING btree ("topic_id");--> statement-breakpoint
CREATE INDEX "responsibility_items_status_idx" ON "responsibility_items" USING btree ("status");--> statement-breakpoint
CREATE INDEX "responsibility_items_department_idx" ON "responsibility_items" USING btree ("department");--> statement-breakpoint
CREATE INDEX "responsibility_progress_item_idx" ON "responsibility_progress" USING btree ("item_id","reported_at");--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_flags_item_kind_dept_uq" ON "supervision_flags" USING btree ("item_id","kind","department");--> statement-breakpoint
CREATE INDEX "supervision_flags_open_idx" ON "supervision_flags" USING btree ("resolved_at","acknowledged_at");