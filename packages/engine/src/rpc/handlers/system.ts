// Handlers for the engine's own methods: info, operator name, audit log.
import { z } from 'zod';
import type { EngineContext } from '../../context';
import { listAudit, recordAudit } from '../../store/audit';
import { readSetting, writeSetting, type SettingDef } from '../../store/settings';
import type { HandlersFor } from '../server';

export const operatorSetting: SettingDef<string | null> = { key: 'operator', schema: z.string().nullable(), fallback: null };

export const ENGINE_VERSION = '0.1.0';

export function systemHandlers(ctx: EngineContext, setOperator: (name: string) => void): HandlersFor<'system.' | 'audit.'> {
  return {
    'system.info': () => ({
      version: ENGINE_VERSION,
      dataDir: ctx.dataDir,
      databasePath: ctx.store.path,
      schemaVersion: ctx.store.schemaVersion,
      operator: ctx.operator(),
      startedAt: ctx.startedAt.toISOString(),
      demo: ctx.demo,
    }),
    'system.setOperator': ({ name }) => {
      ctx.store.transaction((db) => {
        const before = readSetting(db, operatorSetting);
        writeSetting(db, operatorSetting, name);
        recordAudit(db, name, { action: 'operator.set', subjectType: 'operator', subjectId: null, summary: `Operator changed from ${before ?? '(none)'} to ${name}`, params: { before: before ?? '', name } });
      });
      setOperator(name);
      return { operator: name };
    },
    'audit.list': (q) => listAudit(ctx.store.db, q),
  };
}
