// Small HTTP plumbing on node:http for the simulator. It stays on the bare server (no
// framework) because benchmarks push tens of thousands of requests through it and the
// simulator must never be the bottleneck it is used to measure.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Form parameters; a repeated key (Twilio's StatusCallbackEvent) keeps every value. */
export type FormParams = Record<string, string | string[]>;

const MAX_BODY_BYTES = 25 * 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

export function parseForm(text: string): FormParams {
  const params: FormParams = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const existing = params[key];
    if (existing === undefined) params[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else params[key] = [existing, value];
  }
  return params;
}

/** The last value of a form parameter (Twilio takes the last of a repeated scalar). */
export function single(params: FormParams, key: string): string | undefined {
  const value = params[key];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function multi(params: FormParams, key: string): string[] {
  const value = params[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function encodeForm(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.append(k, v);
  return search.toString();
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': 0, ...headers });
  res.end();
}

/** Basic credentials from an Authorization header, or null. */
export function basicAuth(req: IncomingMessage): { user: string; password: string } | null {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function contentType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Parses multipart/form-data with the platform's own parser (Fetch API `Request`). */
export async function parseMultipart(req: IncomingMessage, body: Buffer): Promise<FormData> {
  const request = new Request('http://simulator.local/', {
    method: 'POST',
    headers: { 'content-type': req.headers['content-type'] ?? '' },
    body: new Blob([new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength)]),
  });
  try {
    return await request.formData();
  } catch (error) {
    throw new HttpError(400, `Malformed multipart body: ${(error as Error).message}`);
  }
}

/** RFC-2822 date as Twilio writes it: "Mon, 23 Nov 2026 11:34:23 +0000". */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}
