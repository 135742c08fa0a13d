// The engine's refusals reach the console as codes with values (and the English message
// beside them): through the RPC server, a refused action, a missing thing and a plan with
// blockers each carry theirs.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type Engine } from '../../src/engine';
import { silentLogger } from '../../src/log';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('refusals carry a code and values', () => {
  it('a lifecycle refusal, a missing campaign and a blocked start', async () => {
    engine = await startEngine({
      approvalRule: { threshold: 1_000_000, testGroupId: null, authorMayApproveTemplates: true },
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-refusals-')),
      logger: silentLogger(),
      signedIn: { displayName: 'Op', role: 'admin' },
      validateOutputs: true,
    });
    const call = async (method: string, params: unknown) => engine!.rpc.call(method, params);
    const group = (await call('groups.create', { name: 'Tom' })) as { ok: true; value: { id: number } };
    const t = (await call('templates.create', { name: 'Larm', variants: { sv: { sms: 'Larm' } } })) as { ok: true; value: { id: number } };
    await call('templates.approve', { id: t.value.id });
    const c = (await call('campaigns.create', {
      name: 'Övning',
      templateId: t.value.id,
      audience: { groupIds: [group.value.id] },
      steps: [{ channel: 'sms' }],
    })) as { ok: true; value: { id: number } };

    expect(await call('campaigns.pause', { id: c.value.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', refusal: { code: 'campaign.transition', params: { id: c.value.id, status: 'draft', action: 'pause' } } },
    });
    expect(await call('campaigns.get', { id: 9999 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', refusal: { code: 'not-found', params: { what: 'Campaign', id: 9999 } } },
    });
    // Nobody in the group: the plan's blocker travels as a reason.
    expect(await call('campaigns.start', { id: c.value.id })).toMatchObject({
      ok: false,
      error: {
        code: 'PRECONDITION',
        refusal: { code: 'campaign.blocked', params: { name: 'Övning' } },
        reasons: [{ code: 'plan.nobody-reachable' }],
      },
    });
  });
});
