// Cross-cutting HTTP concerns: a request id on every request and every log line written for
// it, one completion line per request, and a per-client token-bucket rate limit for the
// public endpoints (ops/rate-limit.ts). Written against Node's own request and response, so the webhook path
// (which does not go through express) and the express routes share them.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { RelayMetrics } from '../ops/metrics';
import { RateLimiter } from '../ops/rate-limit';

declare module 'express-serve-static-core' {
  interface Request {
    /** Request id: the caller's X-Request-Id when well-formed, else a fresh one. */
    id: string;
    log: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The caller's X-Request-Id when well-formed, else a fresh one. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

export interface RequestScope {
  readonly id: string;
  /** A child logger with the request id; made on first use. */
  readonly log: Logger;
  /** Replaces the request's logger (e.g. with one that also names the tenant). */
  setLog(log: Logger): void;
}

/**
 * Gives the request its id (echoed as X-Request-Id) and a logger, and writes one completion
 * line when the response is finished; `route` names the route pattern, never the URL, since
 * media ids and delivery tokens are capabilities.
 */
export function beginRequest(logger: Logger, req: IncomingMessage, res: ServerResponse, route: () => string): RequestScope {
  const id = requestIdOf(req.headers['x-request-id']);
  // Made on first use: a child logger serialises its bindings, and most requests at the
  // usual log levels write nothing.
  let log: Logger | undefined;
  const scope: RequestScope = {
    id,
    get log() {
      return (log ??= logger.child({ reqId: id }));
    },
    setLog: (l) => void (log = l),
  };
  res.setHeader('X-Request-Id', id);
  if (logger.isLevelEnabled('info')) {
    const started = performance.now();
    res.on('finish', () => {
      scope.log.info(
        { method: req.method, route: route(), status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 },
        'request finished',
      );
    });
  }
  return scope;
}

export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const scope = beginRequest(logger, req, res, () => (req.route as { path?: string } | undefined)?.path ?? 'unmatched');
    req.id = scope.id;
    Object.defineProperty(req, 'log', {
      get: () => scope.log,
      set: (v: Logger) => scope.setLog(v),
      configurable: true,
    });
    next();
  };
}

/** Answers 429 with Retry-After and counts it. */
export function refuseRateLimited(res: ServerResponse, log: Logger, metrics: RelayMetrics, group: string, retryAfter: number): void {
  metrics.rateLimited.inc({ group });
  log.warn({ group }, 'rate limit exceeded');
  res.setHeader('Retry-After', String(retryAfter));
  apiError(res, 429, 'rate-limited', 'Too many requests');
}

/** Express middleware: the rate limit of one route group, keyed by `req.ip`. */
export function rateLimit(group: string, perSecond: number, metrics: RelayMetrics): RequestHandler {
  const limiter = new RateLimiter(perSecond);
  return (req: Request, res: Response, next: NextFunction) => {
    const wait = limiter.take(req.ip ?? 'unknown');
    if (wait > 0) refuseRateLimited(res, req.log, metrics, group, wait);
    else next();
  };
}

/** A JSON answer, as express's `res.status(s).json(body)` writes it. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

export function apiError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}
