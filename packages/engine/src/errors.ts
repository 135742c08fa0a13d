// Errors the engine means to show to the operator: they carry an RPC error code and,
// for bad input, the fields at fault. Anything else that escapes a handler is a bug and
// reaches the client as INTERNAL with a generic message (the details go to the log).
import { refusal, type ErrorCode, type FieldIssue, type Refusal } from '@gdial/protocol';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** What was refused, by code and values, for the console to word in the operator's language. */
    readonly refusal?: Refusal,
    /** Further refusals behind it (a plan's blockers). */
    readonly reasons?: Refusal[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string | number): DomainError =>
  new DomainError('NOT_FOUND', `${what} ${id} does not exist`, undefined, refusal('not-found', { what, id }));

export const invalid = (issues: FieldIssue[]): DomainError =>
  new DomainError('VALIDATION', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
