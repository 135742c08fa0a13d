// Errors the engine means to show to the operator: they carry an RPC error code and,
// for bad input, the fields at fault. Anything else that escapes a handler is a bug and
// reaches the client as INTERNAL with a generic message (the details go to the log).
import type { ErrorCode, FieldIssue } from '@gdial/protocol';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string | number): DomainError => new DomainError('NOT_FOUND', `${what} ${id} does not exist`);

export const invalid = (issues: FieldIssue[]): DomainError =>
  new DomainError('VALIDATION', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
