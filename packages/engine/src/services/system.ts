// The engine's own facts and the operator's name: what `system.*` and `audit.*` answer.
// The name goes into every audit entry; changing it is itself audited, in the same
// transaction as the change.
import { z } from 'zod';
import type { AuditEntry, EngineInfo } from '@gdial/protocol';
import type { EngineContext } from '../context';
import { listAudit, recordAudit } from '../store/audit';
import type { Reader } from '../store/db';
import { readSetting, writeSetting, type SettingDef } from '../store/settings';

export const ENGINE_VERSION = '0.1.0';

export const operatorSetting: SettingDef<string | null> = { key: 'operator', schema: z.string().nullable(), fallback: null };

/** The operator name saved in the console, if any. */
export const savedOperator = (r: Reader): string | null => readSetting(r, operatorSetting);

export class SystemService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly setOperatorName: (name: string) => void,
  ) {}

  info(): EngineInfo {
    const { ctx } = this;
    return {
      version: ENGINE_VERSION,
      dataDir: ctx.dataDir,
      databasePath: ctx.store.path,
      schemaVersion: ctx.store.schemaVersion,
      operator: ctx.operator(),
      startedAt: ctx.startedAt.toISOString(),
      demo: ctx.demo,
    };
  }

  setOperator(name: string): { operator: string } {
    this.ctx.store.transaction((tx) => {
      const before = readSetting(tx, operatorSetting);
      writeSetting(tx, operatorSetting, name);
      recordAudit(tx, name, {
        action: 'operator.set',
        subjectType: 'operator',
        subjectId: null,
        summary: `Operator changed from ${before ?? '(none)'} to ${name}`,
        params: { before: before ?? '', name },
      });
    });
    this.setOperatorName(name);
    return { operator: name };
  }

  audit(q: { beforeId?: number | undefined; limit: number; subjectType?: string | undefined }): {
    entries: AuditEntry[];
    nextBeforeId: number | null;
  } {
    return listAudit(this.ctx.store.read.db, q);
  }
}
