// Cross-cutting HTTP concerns: a request id on every request and every log line written for
// it, one completion line per request, and a per-client token-bucket rate limit for the
// public endpoints.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { RelayMetrics } from '../ops/metrics';

declare module 'express-serve-static-core' {
  interface Request {
    /** Request id: the caller's X-Request-Id when well-formed, else a fresh one. */
    id: string;
    log: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    // Made on first use: a child logger serialises its bindings, and most requests at the
    // usual log levels write nothing.
    let log: Logger | undefined;
    Object.defineProperty(req, 'log', {
      get: () => (log ??= logger.child({ reqId: req.id })),
      set: (v: Logger) => void (log = v),
      configurable: true,
    });
    res.setHeader('X-Request-Id', req.id);
    const started = performance.now();
    res.on('finish', () => {
      // The route pattern, not the URL: media ids and delivery tokens are capabilities.
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      if (logger.isLevelEnabled('info')) req.log.info({ method: req.method, route, status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 }, 'request finished');
    });
    next();
  };
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token bucket per client address and route group: `perSecond` sustained, twice that as burst. */
export function rateLimit(group: string, perSecond: number, metrics: RelayMetrics): RequestHandler {
  const buckets = new Map<string, Bucket>();
  const burst = perSecond * 2;
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [k, b] of buckets) if (now - b.at > 60_000) buckets.delete(k);
  }, 60_000);
  sweep.unref();
  return (req: Request, res: Response, next: NextFunction) => {
    const key = req.ip ?? 'unknown';
    const now = Date.now();
    const b = buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens < 1) {
      metrics.rateLimited.inc({ group });
      req.log.warn({ group }, 'rate limit exceeded');
      res.setHeader('Retry-After', String(Math.ceil((1 - b.tokens) / perSecond)));
      res.status(429).json({ error: { code: 'rate-limited', message: 'Too many requests' } });
      return;
    }
    b.tokens -= 1;
    next();
  };
}

export function apiError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}
