// The relay's HTTP surface as one request listener: the webhook hot path (http/webhooks.ts,
// on Node's request and response) and everything else through express — the health and
// readiness checks, metrics, the OpenAPI document, call flows, media, burn-message pages and the desktops' API.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import proxyaddr from 'proxy-addr';
import { pendingMigrations } from '../store/migrate';
import { constantTimeEqual } from '../store/secrets';
import { apiRouter } from './api';
import { burnPageRouter } from './burn';
import { callbackCallsRouter } from './callback-calls';
import { mediaRouter } from './media';
import { requestContext } from './middleware';
import { openApiDocument } from './openapi';
import type { HttpServices } from './services';
import { twimlRouter } from './twiml';
import { elksActionsRouter } from './elks-actions';
import { isWebhookPath, signatureFailureThrottle, webhookEndpoint } from './webhooks';

/** A commit waiting this long on the database makes the relay not ready. */
const READY_STALL_MS = 2000;
/** The readiness query's own bound. */
const READY_CHECK_MS = 2000;

export interface HttpApp {
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** The client address as the rate limits see it (a configured `trust proxy` applied): for the stream's caps too. */
  clientAddress: (req: IncomingMessage) => string;
}

export function httpApp(services: HttpServices, version: string): HttpApp {
  const { config, db, logger, metrics } = services;
  const app = express();
  app.disable('x-powered-by');
  if (config.trustProxy) app.set('trust proxy', config.trustProxy);
  app.use(requestContext(logger));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version });
  });
  // Ready = the request path can commit now: a commit stuck on the database for longer than a
  // webhook should wait, or a check through the request path's own pool that does not answer
  // within a couple of seconds, is 503 (a load balancer then sends webhooks elsewhere).
  app.get('/readyz', async (req, res) => {
    if (services.isShuttingDown()) {
      res.status(503).json({ status: 'shutting-down' });
      return;
    }
    const stalled = services.appender.stalledMs();
    if (stalled > READY_STALL_MS) {
      res.status(503).json({ status: 'database-stalled', stalledMs: Math.round(stalled) });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${READY_CHECK_MS} ms`)), READY_CHECK_MS);
    });
    try {
      const pending = await Promise.race([pendingMigrations(db), timeout]);
      if (pending.length > 0) res.status(503).json({ status: 'migrations-pending', pending });
      else res.json({ status: 'ready', database: db.kind });
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'database-unreachable' });
    } finally {
      clearTimeout(timer);
    }
  });
  // Metrics name tenants: served only to a caller with the configured token.
  const metricsAuth = config.metricsToken ? `Bearer ${config.metricsToken}` : null;
  app.get('/metrics', (req, res) => {
    const given = req.get('authorization');
    if (!metricsAuth) {
      res.status(404).json({ error: { code: 'not-found', message: 'No such endpoint' } });
      return;
    }
    if (given === undefined || !constantTimeEqual(given, metricsAuth)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      res.status(401).json({ error: { code: 'unauthorized', message: 'Metrics need the bearer token RELAY_METRICS_TOKEN' } });
      return;
    }
    res.type('text/plain; version=0.0.4').send(metrics.render());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(services.publicBaseUrl(), version));
  });
  const signatureFailures = signatureFailureThrottle(services);
  app.use('/twiml', twimlRouter(services, signatureFailures));
  app.use('/elks-actions', elksActionsRouter(services, signatureFailures));
  app.use('/callback', callbackCallsRouter(services, signatureFailures));
  app.use('/media', mediaRouter(services));
  app.use('/b', burnPageRouter(services));
  app.use('/api/v1', apiRouter(services));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not-found', message: 'No such endpoint' } });
  });
  const onError: ErrorRequestHandler = (err: { status?: number; statusCode?: number; type?: string }, req, res, _next) => {
    const status = err.status ?? err.statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    else req.log.warn({ status, type: err.type }, 'request refused');
    if (res.headersSent) return;
    const code = status === 413 ? 'too-large' : status >= 500 ? 'internal' : 'bad-request';
    res
      .status(status)
      .json({ error: { code, message: status === 413 ? 'Request body too large' : status >= 500 ? 'Internal error' : 'Bad request' } });
  };
  app.use(onError);

  // Webhooks bypass express (see webhooks.ts); their rate limit sees the client the way
  // express's req.ip does, behind a configured proxy too.
  const trustProxy = app.get('trust proxy fn') as (addr: string, i: number) => boolean;
  const clientAddress = config.trustProxy
    ? (req: IncomingMessage) => proxyaddr(req, trustProxy)
    : (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';
  const hooks = webhookEndpoint(services, clientAddress, signatureFailures);
  return {
    handle: (req, res) => {
      if (isWebhookPath(req.url ?? '')) hooks(req, res);
      else app(req, res);
    },
    clientAddress,
  };
}
