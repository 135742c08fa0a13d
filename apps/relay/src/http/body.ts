// Reads a request body as raw bytes with a size limit, as express.raw() does (the same
// status codes, compressed bodies inflated), for routes served without express: webhook
// signatures are checked on exactly these bytes.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 400 | 413 | 415; type: string };

const EMPTY = Buffer.alloc(0);

function decompressor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch (encoding) {
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

/** Reads the rest of a request and throws it away, so the connection stays usable. */
function drain(req: IncomingMessage): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    req.once('end', resolve).once('close', resolve).once('error', resolve);
    req.resume();
  });
}

export async function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const lengthHeader = req.headers['content-length'];
  // Like type-is's hasBody: neither a length nor chunked encoding means no body at all.
  if (req.headers['transfer-encoding'] === undefined && (lengthHeader === undefined || Number.isNaN(Number.parseInt(lengthHeader, 10))))
    return { ok: true, body: EMPTY };
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let source: Readable = req;
  let inflate: ReturnType<typeof decompressor> = null;
  let declared: number | undefined;
  if (encoding === 'identity') {
    declared = lengthHeader === undefined ? undefined : Number.parseInt(lengthHeader, 10);
    if (declared !== undefined && declared > limit) {
      await drain(req);
      return { ok: false, status: 413, type: 'entity.too.large' };
    }
  } else {
    inflate = decompressor(encoding);
    if (!inflate) return { ok: false, status: 415, type: 'encoding.unsupported' };
    source = req.pipe(inflate);
  }
  const result = await new Promise<BodyResult>((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (r: BodyResult) => {
      source.removeListener('data', onData).removeListener('end', onEnd).removeListener('error', onError);
      req.removeListener('aborted', onAborted);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) finish({ ok: false, status: 413, type: 'entity.too.large' });
      else chunks.push(chunk);
    };
    const onEnd = () => {
      if (declared !== undefined && received !== declared) finish({ ok: false, status: 400, type: 'request.size.invalid' });
      else finish({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received) });
    };
    const onError = () => finish({ ok: false, status: 400, type: source === req ? 'request.aborted' : 'encoding.invalid' });
    const onAborted = () => finish({ ok: false, status: 400, type: 'request.aborted' });
    source.on('data', onData).on('end', onEnd).on('error', onError);
    req.once('aborted', onAborted);
  });
  if (inflate) {
    req.unpipe(inflate);
    inflate.on('error', () => undefined);
    inflate.destroy();
  }
  if (!result.ok) await drain(req);
  return result;
}
