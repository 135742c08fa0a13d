// What the HTTP routes are given: one object built by the composition (relay.ts).
import type { Logger } from 'pino';
import type { AlertRequests } from '../alerts-api/service';
import type { AuthAdmin } from '../auth/admin-service';
import type { ApiKeys } from '../auth/api-keys';
import type { AuthService } from '../auth/service';
import type { RelayConfig } from '../config';
import type { EventAppender } from '../ingest/appender';
import type { TenantCache } from '../ingest/tenant-cache';
import type { RelayMetrics } from '../ops/metrics';
import type { RelayDb } from '../store/db';
import type { WebhookEvents } from '../webhooks-out/producer';
import type { WebhookService } from '../webhooks-out/service';

export interface HttpServices {
  config: RelayConfig;
  /** The public base URL providers use (known only after listen when the port was 0). */
  publicBaseUrl(): string;
  db: RelayDb;
  appender: EventAppender;
  tenants: TenantCache;
  metrics: RelayMetrics;
  logger: Logger;
  isShuttingDown(): boolean;
  /** Identity: sign-in and sessions, and its administration. */
  auth: AuthService;
  authAdmin: AuthAdmin;
  /** Outgoing webhooks: subscriptions, the delivery log, re-sends. */
  webhooks: WebhookService;
  /** The clock of webhook events, and the wake-up once a push wrote some. */
  webhookEvents: WebhookEvents;
  /** API keys of the REST API v1: their administration and the check of each request. */
  apiKeys: ApiKeys;
  /** Alerts other systems ask for through the REST API v1, and the desktops' pick-up of them. */
  alertRequests: AlertRequests;
}
