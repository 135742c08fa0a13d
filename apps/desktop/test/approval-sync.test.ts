// The two-person rule across an organisation's desktops (docs/guide/godkannande.md): an alert
// submitted for approval on one desktop is seen at once on another, where the same user
// (signed in there too) is refused and another operator's approval starts the alert on the
// desktop that submitted it (the owner's engine reacts to the synced decision); a rejection
// from another desktop ends it there with the comment. Real parts: two consoles in demo mode
// (relay on PGlite, provider simulator with the real SDKs), joined as the README starts a
// second console; the demo's accounts, signed in with their passwords.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '@gdial/protocol';
import { silentLogger, type Engine } from '@gdial/engine';
import { DEMO_ACCOUNTS } from '../src/web/demo';
import { startConsole, type ConsoleHost } from '../src/web/host';

const consoles: ConsoleHost[] = [];
afterEach(async () => {
  for (const c of consoles.splice(0).reverse()) await c.close();
});

async function call<M extends MethodName>(engine: Engine, m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await engine.rpc.call(m, params);
  if (!res.ok) throw new Error(`${m}: ${res.error.message}`);
  return res.value as MethodOutput<M>;
}

async function refusalOf<M extends MethodName>(engine: Engine, m: M, params: MethodInput<M>): Promise<string | undefined> {
  const res = await engine.rpc.call(m, params);
  return res.ok ? undefined : (res.error.refusal?.code ?? res.error.code);
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const uiDir = path.resolve(import.meta.dirname, 'fixtures/ui');

async function twoDesktops(): Promise<[Engine, Engine]> {
  const first = mkdtempSync(path.join(os.tmpdir(), 'gdial-approval-sync-'));
  consoles.push(
    await startConsole({ port: 0, dataDir: first, logger: silentLogger(), connectivity: { mode: 'demo' }, demoProfile: 'fast', uiDir }),
  );
  consoles.push(
    await startConsole({ port: 0, dataDir: `${first}-2`, logger: silentLogger(), connectivity: { mode: 'demo' }, joinDemo: first, uiDir }),
  );
  const [a, b] = consoles.map((c) => c.engine) as [Engine, Engine];
  for (const e of [a, b]) await until(async () => (await call(e, 'sync.status', {})).enabled, 'both consoles to join');
  return [a, b];
}

async function signIn(e: Engine, username: string): Promise<void> {
  const account = DEMO_ACCOUNTS.find((d) => d.username === username)!;
  await call(e, 'session.signIn', { username, password: account.password });
}

/** An alert to 12 people (above the default limit of 10), made on `e`. */
async function bigAlert(e: Engine, name: string): Promise<number> {
  const group = await call(e, 'groups.create', { name: `Grupp ${name}` });
  for (let i = 0; i < 12; i++)
    await call(e, 'contacts.create', {
      firstName: `Person${i}`,
      lastName: name,
      phones: [{ number: `070-222 0${String(i).padStart(2, '0')} 1` }],
      groupIds: [group.id],
    });
  const template = await call(e, 'templates.create', {
    name: `Mall ${name}`,
    variants: { sv: { sms: 'Hej {{first_name}}! Larm. Svara 1 om du har fått detta.' } },
    fallbacks: { first_name: 'du' },
  });
  // The two-person rule holds for templates too: the writer (the admin here) cannot approve it; the operator does.
  await signIn(e, 'demo-operator');
  await call(e, 'templates.approve', { id: template.id });
  await signIn(e, 'demo-admin');
  return (
    await call(e, 'campaigns.create', { name, templateId: template.id, audience: { groupIds: [group.id] }, steps: [{ channel: 'sms' }] })
  ).id;
}

const pendingOn = async (e: Engine, name: string) =>
  (await call(e, 'campaigns.approvals', {})).approvals.find((a) => a.campaignName === name);

describe('the two-person rule across desktops', () => {
  it('an approval from another desktop starts the alert on the desktop that submitted it; the starter cannot approve from there', async () => {
    const [a, b] = await twoDesktops();
    const id = await bigAlert(a, 'Stormvarning');
    expect(await refusalOf(a, 'campaigns.start', { id })).toBe('approval.required');
    const submitted = await call(a, 'campaigns.submitForApproval', { id });
    expect(submitted.campaign.status).toBe('awaiting-approval');
    const starter = submitted.approval.requestedBy.id;
    // The demo admin on B is the same person (the same user id), not merely the same name.
    expect((await call(b, 'session.current', {})).user?.id).toBe(starter);

    // Desktop B sees the request at once, with who asked and how many.
    let onB = 0;
    await until(async () => {
      onB = (await pendingOn(b, 'Stormvarning'))?.campaignId ?? 0;
      return onB > 0;
    }, 'the request on the other desktop');
    expect(await pendingOn(b, 'Stormvarning')).toMatchObject({
      recipients: 12,
      reasons: ['head-count'],
      requestedBy: { name: 'Demo Administratör' },
    });
    // The same user on the other desktop is still the starter.
    expect(await refusalOf(b, 'campaigns.approve', { id: onB, comment: '' })).toBe('approval.own');

    await signIn(b, 'demo-operator');
    const approved = await call(b, 'campaigns.approve', { id: onB, comment: 'Kontrollerat mot SMHI' });
    expect(approved.decision).toMatchObject({ kind: 'approved', by: { id: (await call(b, 'session.current', {})).user?.id } });
    expect(approved.decision?.by.id).not.toBe(starter);

    // The owner's engine reacts to the synced approval: it starts and sends there, once per person.
    await until(async () => (await call(a, 'campaigns.get', { id })).status !== 'awaiting-approval', 'the alert to start on its desktop');
    expect(['running', 'completed']).toContain((await call(a, 'campaigns.get', { id })).status);
    const world = consoles[0]!.demo!.simulator;
    // The demo has 46elks behind Twilio: whichever carried each SMS, each person got one.
    const sentTo = () => [
      ...world.messages().flatMap((m) => (m.direction === 'outbound-api' ? [m.to] : [])),
      ...world.elksMessages().flatMap((m) => (m.direction === 'outgoing' ? [m.to] : [])),
    ];
    await until(async () => sentTo().length >= 12, 'the 12 SMS');
    expect(sentTo()).toHaveLength(12);
    expect(new Set(sentTo()).size).toBe(12);
    // B keeps a replica: it never sends itself and says who runs it.
    await until(async () => (await call(b, 'campaigns.get', { id: onB })).status !== 'awaiting-approval', 'the replica to follow');
    expect((await call(b, 'sync.alertOwner', { campaignId: onB })).remote).toBe(true);
    // The audit (shared) names who approved, from where, and who started it.
    await until(
      async () => (await call(a, 'audit.list', { limit: 200 })).entries.some((x) => x.action === 'campaign.approve'),
      'the approval in the owner’s audit',
    );
    const audit = (await call(a, 'audit.list', { limit: 200 })).entries;
    expect(audit.find((x) => x.action === 'campaign.approve')).toMatchObject({ actor: 'Demo Larmoperatör' });
    expect(audit.find((x) => x.action === 'campaign.start' && x.params?.name === 'Stormvarning')).toMatchObject({
      actor: 'Demo Larmoperatör',
    });
  }, 180_000);

  it('a rejection from another desktop ends the alert on its desktop with the comment', async () => {
    const [a, b] = await twoDesktops();
    const id = await bigAlert(a, 'Fel larm');
    await call(a, 'campaigns.submitForApproval', { id });
    let onB = 0;
    await until(async () => {
      onB = (await pendingOn(b, 'Fel larm'))?.campaignId ?? 0;
      return onB > 0;
    }, 'the request on the other desktop');
    await signIn(b, 'demo-operator');
    await call(b, 'campaigns.reject', { id: onB, comment: 'Fel område, ska bara till Norra' });
    await until(async () => (await call(a, 'campaigns.get', { id })).status === 'rejected', 'the alert to end on its desktop');
    const [request] = (await call(a, 'campaigns.approvals', { campaignId: id })).approvals;
    expect(request?.decision).toMatchObject({ kind: 'rejected', comment: 'Fel område, ska bara till Norra' });
    expect(consoles[0]!.demo!.simulator.messages().filter((m) => m.direction === 'outbound-api')).toHaveLength(0);
  }, 180_000);
});
