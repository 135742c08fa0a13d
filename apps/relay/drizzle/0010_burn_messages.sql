CREATE TABLE "burn_links" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "burn_messages" (
	"tenant_id" uuid NOT NULL,
	"id" text NOT NULL,
	"ciphertext" "bytea",
	"iv" "bytea" NOT NULL,
	"delivery_token" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"opened_at" timestamp with time zone,
	CONSTRAINT "burn_messages_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "burn_links" ADD CONSTRAINT "burn_links_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "burn_messages" ADD CONSTRAINT "burn_messages_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "burn_messages_expiry_idx" ON "burn_messages" USING btree ("expires_at");--> statement-breakpoint
ALTER TABLE "burn_messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "burn_messages" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "burn_messages" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "burn_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "burn_links" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "burn_links" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- The public page finds a link's organisation before any tenant is set: reading the
-- directory is open (it maps a random id to a tenant and holds nothing of the message).
CREATE POLICY "burn_link_lookup" ON "burn_links" FOR SELECT USING (true);
