CREATE TABLE "sync_leases" (
	"tenant_id" uuid NOT NULL,
	"alert_id" text NOT NULL,
	"owner_device" text NOT NULL,
	"token" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sync_leases_tenant_id_alert_id_pk" PRIMARY KEY("tenant_id","alert_id")
);
--> statement-breakpoint
ALTER TABLE "sync_leases" ADD CONSTRAINT "sync_leases_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Tenant isolation for alert leases, as for every tenant table (see 0001).
ALTER TABLE "sync_leases" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sync_leases" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "sync_leases" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);
