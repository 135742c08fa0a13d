ALTER TABLE "api_alert_requests" ADD COLUMN "test" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "api_alert_requests" ADD COLUMN "problem_en" text;--> statement-breakpoint
ALTER TABLE "api_alert_requests" ADD COLUMN "cancel_requested_by" text;--> statement-breakpoint
ALTER TABLE "api_alert_requests" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;