// The machinery of the typed RPC contract: how a method and an event are declared, the
// wire messages, and the result envelope errors travel in. Domain files (contacts.ts,
// campaigns.ts, …) declare their methods with `method()`; `rpc.ts` merges them.
import { z } from 'zod';
import { refusalSchema } from './refusals';
import type { IssueCode, IssueParams } from './issues';

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
}

/** A method's schemas; how long the console waits for its answer is in rpc-timeouts.ts. */
export const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): MethodSpec<I, O> => ({ input, output });

export const errorCodes = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'UNKNOWN_METHOD',
  'TIMEOUT',
  'UNAVAILABLE',
  'SHUTTING_DOWN',
  'PRECONDITION',
  /** Nobody is signed in, or the console is locked. */
  'UNAUTHENTICATED',
  /** The signed-in role may not call the method. */
  'FORBIDDEN',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const rpcErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.unknown().optional(),
  /** What the engine refused, by code and values, for the console to word (see refusals.ts). */
  refusal: refusalSchema.optional(),
  /** Further refusals behind it (the blockers of a plan). */
  reasons: z.array(refusalSchema).optional(),
});
export type RpcErrorBody = z.infer<typeof rpcErrorSchema>;

/** One problem with one field of an input, as the UI shows it next to that field. */
export interface FieldIssue {
  path: string;
  /** In English; the console phrases `code` in the operator's language when there is one. */
  message: string;
  code?: IssueCode;
  params?: IssueParams;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: RpcErrorBody };

export const requestMessage = z.object({
  type: z.literal('req'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1),
  params: z.unknown(),
});
export const responseMessage = z.object({
  type: z.literal('res'),
  id: z.number().int().nonnegative(),
  result: z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: rpcErrorSchema })]),
});
export const eventMessage = z.object({
  type: z.literal('event'),
  name: z.string().min(1),
  payload: z.unknown(),
});
export const wireMessage = z.discriminatedUnion('type', [requestMessage, responseMessage, eventMessage]);
export type RequestMessage = z.infer<typeof requestMessage>;
export type ResponseMessage = z.infer<typeof responseMessage>;
export type EventMessage = z.infer<typeof eventMessage>;
export type WireMessage = z.infer<typeof wireMessage>;

/** Turns a zod failure into field issues with dotted paths ("phones.0.number"). */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(input)', message: i.message, ...issueCodeOf(i) }));
}

/** The code of the kinds of zod refusal the console phrases itself. */
function issueCodeOf(i: z.core.$ZodIssue): Pick<FieldIssue, 'code' | 'params'> {
  if (i.code === 'too_big' && i.origin === 'string') return { code: 'text.tooLong', params: { max: Number(i.maximum) } };
  if (i.code === 'too_big' && i.origin === 'array') return { code: 'list.tooLong', params: { max: Number(i.maximum) } };
  if (i.code === 'too_small' && i.origin === 'string' && Number(i.minimum) === 1) return { code: 'text.empty' };
  if (i.code === 'invalid_format') return { code: 'format.invalid' };
  return {};
}

/** One readable sentence naming every field that failed, for logs and CLI output. */
export function describeIssues(issues: FieldIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
