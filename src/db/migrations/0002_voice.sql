CREATE TABLE "voice_callbacks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_sid" text NOT NULL,
	"resident_id" uuid,
	"community_id" uuid,
	"phone_cipher" text NOT NULL,
	"locale" text NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"done_by" uuid,
	"note" text,
	CONSTRAINT "voice_callbacks_call_sid_unique" UNIQUE("call_sid")
);
--> statement-breakpoint
CREATE TABLE "voice_calls" (
	"call_sid" text PRIMARY KEY NOT NULL,
	"direction" text NOT NULL,
	"resident_id" uuid,
	"delivery_id" uuid,
	"locale" text,
	"slow_speech" boolean DEFAULT false NOT NULL,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "voice_callbacks" ADD CONSTRAINT "voice_callbacks_call_sid_voice_calls_call_sid_fk" FOREIGN KEY ("call_sid") REFERENCES "public"."voice_calls"("call_sid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_callbacks" ADD CONSTRAINT "voice_callbacks_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_callbacks" ADD CONSTRAINT "voice_callbacks_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_callbacks" ADD CONSTRAINT "voice_callbacks_done_by_staff_id_fk" FOREIGN KEY ("done_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_calls" ADD CONSTRAINT "voice_calls_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_calls" ADD CONSTRAINT "voice_calls_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "voice_callbacks_open_idx" ON "voice_callbacks" USING btree ("requested_at") WHERE "voice_callbacks"."status" = 'open';--> statement-breakpoint
CREATE INDEX "voice_calls_resident_idx" ON "voice_calls" USING btree ("resident_id");--> statement-breakpoint
CREATE INDEX "voice_calls_delivery_idx" ON "voice_calls" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "voice_calls_started_idx" ON "voice_calls" USING btree ("started_at");