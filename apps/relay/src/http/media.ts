// Call audio at unguessable per-tenant URLs: GET|HEAD /media/:tenant/:mediaId, with the
// stored content type and single byte-range requests (Twilio and browsers seek with them).
import express, { type Request, type Response, type Router } from 'express';
import { loadMedia, type StoredMedia } from '../store/callflows';
import { apiError, rateLimit } from './middleware';
import type { HttpServices } from './services';

type Range = { start: number; end: number } | 'unsatisfiable' | null;

/** One byte range of `size` bytes from a Range header; null = whole body (absent or multi-range). */
export function parseRange(header: string | undefined, size: number): Range {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

export function mediaRouter(services: HttpServices): Router {
  const router = express.Router();
  router.use(rateLimit('media', services.config.rateLimitPerSecond, services.metrics));
  // Audio of running campaigns is fetched once per call: keep the most recent in memory,
  // bounded by size (oldest first out).
  const cache = new Map<string, StoredMedia & { bytes: Buffer }>();
  const CACHE_BYTES = 64 * 1024 * 1024;
  let cachedBytes = 0;

  const serve = async (req: Request, res: Response) => {
    const resolved = await services.tenants.resolve(String(req.params.tenant));
    const id = String(req.params.mediaId);
    if (!resolved || !/^[A-Za-z0-9_-]{43}$/.test(id)) {
      apiError(res, 404, 'not-found', 'No such media');
      return;
    }
    const key = `${resolved.tenant.id}/${id}`;
    let media = cache.get(key) ?? null;
    if (!media) {
      media = await loadMedia(services.db, resolved.tenant.id, id);
      if (!media) {
        apiError(res, 404, 'not-found', 'No such media');
        return;
      }
      if (media.size <= CACHE_BYTES / 4) {
        for (const [k, m] of cache) {
          if (cachedBytes + media.size <= CACHE_BYTES) break;
          cache.delete(k);
          cachedBytes -= m.size;
        }
        cache.set(key, media);
        cachedBytes += media.size;
      }
    }
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', media.contentType);
    res.setHeader('ETag', `"${media.sha256}"`);
    res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    const range = parseRange(req.get('range'), media.size);
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${media.size}`);
      res.status(416).end();
      return;
    }
    const body = range ? media.bytes.subarray(range.start, range.end + 1) : media.bytes;
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${media.size}`);
    }
    res.setHeader('Content-Length', String(body.length));
    if (req.method === 'HEAD') res.end();
    else res.end(body);
  };
  router.get('/:tenant/:mediaId', serve);
  return router;
}
