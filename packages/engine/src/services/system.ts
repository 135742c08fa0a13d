// The engine's own facts and the operator's name: what `system.*` and `audit.*` answer.
// The name goes into every audit entry; changing it is itself audited, in the same
// transaction as the change.
import type { AuditEntry, EngineInfo } from '@gdial/protocol';
import type { EngineContext } from '../context';
import { listAudit, recordAudit } from '../store/audit';
import type { IdentityService } from './identity/service';

export const ENGINE_VERSION = '0.1.0';

export class SystemService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly identity: IdentityService,
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

  /** The signed-in user's name as the audit log and the console show it (their own to change). */
  setOperator(name: string): { operator: string } {
    const before = this.ctx.operator();
    this.ctx.store.transaction((tx) => {
      this.identity.rename(name);
      recordAudit(tx, name, {
        action: 'operator.set',
        subjectType: 'operator',
        subjectId: this.identity.current()?.id ?? null,
        summary: `Operator changed from ${before} to ${name}`,
        params: { before, name },
      });
    });
    return { operator: name };
  }

  audit(q: { beforeId?: number | undefined; limit: number; subjectType?: string | undefined }): {
    entries: AuditEntry[];
    nextBeforeId: number | null;
  } {
    return listAudit(this.ctx.store.read.db, q);
  }
}
