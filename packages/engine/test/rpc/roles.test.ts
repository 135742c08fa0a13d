// Which role may call which RPC method, table-driven: every method of the contract has a
// rule, the rules say what the roles say (a Läsare reads, a Redaktör edits content
// but starts nothing, a Larmoperatör starts and stops alerts, an Administratör manages the
// installation), and the engine's RPC server refuses and allows exactly as the table says,
// before any handler runs, for every method and every role.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { methodClearance, methods, mayCall, roles, rolesAllowed, type MethodName, type Role } from '@gdial/protocol';
import { silentLogger, startEngine, type Engine } from '../../src';

const names = Object.keys(methods) as MethodName[];

/** What the issue says each role may do, by example: a method and who may call it. */
const policy: [MethodName, Role[]][] = [
  ['campaigns.list', ['admin', 'operator', 'editor', 'reader']],
  ['campaigns.report', ['admin', 'operator', 'editor', 'reader']],
  ['audit.list', ['admin', 'operator', 'editor', 'reader']],
  ['contacts.create', ['admin', 'operator', 'editor']],
  ['groups.addMembers', ['admin', 'operator', 'editor']],
  ['templates.update', ['admin', 'operator', 'editor']],
  ['audio.saveRecording', ['admin', 'operator', 'editor']],
  ['campaigns.create', ['admin', 'operator', 'editor']],
  ['campaigns.start', ['admin', 'operator']],
  ['campaigns.pause', ['admin', 'operator']],
  ['campaigns.cancel', ['admin', 'operator']],
  ['templates.approve', ['admin', 'operator']],
  ['campaigns.approvals', ['admin', 'operator', 'editor', 'reader']],
  ['campaigns.submitForApproval', ['admin', 'operator']],
  ['campaigns.approve', ['admin', 'operator']],
  ['campaigns.reject', ['admin', 'operator']],
  ['campaigns.override', ['admin']],
  ['campaigns.approvalRule.set', ['admin']],
  ['users.create', ['admin']],
  ['users.setRole', ['admin']],
  ['organisation.users.update', ['admin']],
  ['organisation.invitations.create', ['admin']],
  ['organisation.sessions.revoke', ['admin']],
  ['organisation.devices.revoke', ['admin']],
  ['session.acceptInvitation', ['admin', 'operator', 'editor', 'reader']],
  ['connectivity.saveSetup', ['admin']],
  ['campaigns.priceTable.set', ['admin']],
  ['session.settings.set', ['admin']],
];

describe('the role table', () => {
  it('has a rule for every method of the contract, and no rule for a method it does not have', () => {
    const ruled = Object.keys(methodClearance);
    expect(names.filter((m) => !ruled.includes(m))).toEqual([]);
    expect(ruled.filter((m) => !names.includes(m as MethodName))).toEqual([]);
    for (const m of names) expect(['anyone', ...roles], m).toContain(methodClearance[m]);
  });

  it.each(policy)('%s: %j', (method, allowed) => {
    expect(rolesAllowed(method).sort()).toEqual([...allowed].sort());
  });

  it('lets only sign-in and what the sign-in page needs through before anyone signs in', () => {
    expect(names.filter((m) => mayCall(null, m)).sort()).toEqual([
      'session.acceptInvitation',
      'session.createFirstAdmin',
      'session.current',
      'session.signIn',
      'system.info',
    ]);
  });

  it('leaves a Läsare nothing that changes data', () => {
    const readerMay = names.filter((m) => mayCall('reader', m) && methodClearance[m] !== 'anyone');
    const writes = readerMay.filter((m) =>
      /\.(create|update|delete|save|set(?:[A-Z]\w*)?|add\w*|remove\w*|start|pause|resume|cancel|approve|erase|run|install|use|repeat|mark\w*)$/.test(
        m,
      ),
    );
    // Their own session, their own name and which notifications they have read are theirs.
    expect(writes.sort()).toEqual(['notifications.markRead', 'system.setOperator']);
  });
});

describe('the RPC server enforces the table', () => {
  const engines: Engine[] = [];
  afterAll(async () => {
    for (const e of engines) await e.close();
  });
  const start = async (role: Role | null): Promise<Engine> => {
    const engine = await startEngine({
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-roles-')),
      databasePath: ':memory:',
      logger: silentLogger(),
      ...(role ? { signedIn: { displayName: `Test ${role}`, role } } : {}),
    });
    engines.push(engine);
    return engine;
  };
  // Locking and signing out end the session the loop runs in; they have their own test.
  const sessionEnders = new Set<MethodName>(['session.lock', 'session.signOut']);

  it.each(roles)('as %s: every method is refused or let through as the table says', async (role) => {
    const engine = await start(role);
    for (const method of names) {
      if (sessionEnders.has(method)) continue;
      // Empty params: an allowed call fails validation or finds nothing, but never for its role.
      const res = await engine.rpc.call(method, {});
      if (mayCall(role, method)) {
        expect(res.ok || !['FORBIDDEN', 'UNAUTHENTICATED'].includes(res.error.code), `${role} may call ${method}`).toBe(true);
      } else {
        expect(res.ok, `${role} may not call ${method}`).toBe(false);
        if (!res.ok) {
          expect(res.error.code).toBe('FORBIDDEN');
          expect(res.error.refusal).toEqual({ code: 'auth.forbidden', params: { role, need: methodClearance[method], method } });
        }
      }
    }
  });

  it('refuses everything but signing in when nobody is signed in, and a locked console all but its own session', async () => {
    const engine = await start(null);
    for (const method of names) {
      const res = await engine.rpc.call(method, {});
      if (methodClearance[method] === 'anyone') expect(res.ok || res.error.code !== 'UNAUTHENTICATED', method).toBe(true);
      else expect(!res.ok && res.error.code === 'UNAUTHENTICATED' && res.error.refusal?.code, method).toBe('auth.signed-out');
    }
    const admin = await start('admin');
    expect((await admin.rpc.call('session.lock', {})).ok).toBe(true);
    const refused = await admin.rpc.call('contacts.search', {});
    expect(!refused.ok && refused.error.refusal).toEqual({ code: 'auth.locked', params: { name: 'Test admin' } });
    expect((await admin.rpc.call('session.current', {})).ok).toBe(true);
    expect((await admin.rpc.call('session.signOut', {})).ok).toBe(true);
    const out = await admin.rpc.call('contacts.search', {});
    expect(!out.ok && out.error.code).toBe('UNAUTHENTICATED');
  });
});
