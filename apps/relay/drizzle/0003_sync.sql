CREATE TABLE "sync_entities" (
	"tenant_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"state" jsonb NOT NULL,
	"seq" bigint NOT NULL,
	CONSTRAINT "sync_entities_tenant_id_entity_entity_id_pk" PRIMARY KEY("tenant_id","entity","entity_id")
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "sync_epoch" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_entities" ADD CONSTRAINT "sync_entities_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Tenant isolation for organisation sync, as for every tenant table (see 0001).
ALTER TABLE "sync_entities" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sync_entities" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "sync_entities" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- An erasure scrubs the logged operations about its entity: found by entity and id.
CREATE INDEX "events_sync_entity_idx" ON "events" ("tenant_id", ((payload->'op'->>'entity')), ((payload->'op'->>'id'))) WHERE "kind" = 'sync';
