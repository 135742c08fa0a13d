CREATE TABLE "callback_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"crisis_room_number" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "callback_targets" (
	"tenant_id" uuid NOT NULL,
	"phone" text NOT NULL,
	"delivery_token" text NOT NULL,
	"flow_id" text,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "callback_targets_tenant_id_phone_pk" PRIMARY KEY("tenant_id","phone")
);
--> statement-breakpoint
ALTER TABLE "callback_settings" ADD CONSTRAINT "callback_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_targets" ADD CONSTRAINT "callback_targets_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_targets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "callback_targets" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "callback_targets" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE "callback_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "callback_settings" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "callback_settings" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);
