-- Tenant isolation: every tenant table gets row-level security, forced even for the table
-- owner, with one policy that admits only rows of the tenant set for the current
-- transaction (set_config('app.tenant_id', …, true)). An unset tenant matches nothing.
ALTER TABLE "tenant_credentials" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenant_credentials" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "tenant_credentials" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "devices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "devices" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "devices" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "enrolments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "enrolments" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "enrolments" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "event_counters" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "event_counters" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "event_counters" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "events" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "call_flows" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "call_flows" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "call_flows" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "media" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "media" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "media" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- Appends a batch of verified webhooks for one tenant in the caller's transaction (one
-- round trip). It sets the tenant itself, locks the tenant's counter row so sequences stay
-- gap-free across relay instances, stores each new event under the next sequence, reports
-- a duplicate event key with the sequence it already has, and notifies other instances
-- with only "tenant:lastSeq" (delivered on commit). SECURITY INVOKER: RLS still applies.
CREATE FUNCTION "relay_append_events"(p_tenant uuid, p_keys text[], p_kinds text[], p_payloads jsonb[], p_channel text)
RETURNS TABLE(out_key text, out_seq bigint, out_duplicate boolean)
LANGUAGE plpgsql AS $$
DECLARE
  v_last bigint;
  v_start bigint;
  v_existing bigint;
  v_i int;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  SELECT c.last_seq INTO v_last FROM event_counters c WHERE c.tenant_id = p_tenant FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no event counter for tenant %', p_tenant USING ERRCODE = 'P0002';
  END IF;
  v_start := v_last;
  FOR v_i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
    SELECT e.seq INTO v_existing FROM events e WHERE e.tenant_id = p_tenant AND e.event_key = p_keys[v_i];
    IF FOUND THEN
      out_key := p_keys[v_i]; out_seq := v_existing; out_duplicate := true;
    ELSE
      v_last := v_last + 1;
      INSERT INTO events (tenant_id, seq, event_key, kind, payload) VALUES (p_tenant, v_last, p_keys[v_i], p_kinds[v_i], p_payloads[v_i]);
      out_key := p_keys[v_i]; out_seq := v_last; out_duplicate := false;
    END IF;
    RETURN NEXT;
  END LOOP;
  IF v_last > v_start THEN
    UPDATE event_counters SET last_seq = v_last WHERE tenant_id = p_tenant;
    PERFORM pg_notify(p_channel, p_tenant::text || ':' || v_last::text);
  END IF;
END
$$;
