// What the HTTP routes and the stream share: one object built by startRelay.
import type { Logger } from 'pino';
import type { RelayConfig } from '../config';
import type { EventAppender } from '../ingest/appender';
import type { TenantCache } from '../ingest/tenant-cache';
import type { RelayMetrics } from '../ops/metrics';
import type { RelayDb } from '../store/db';
import type { EventHub } from '../stream/hub';

export interface RelayServices {
  config: RelayConfig;
  /** The public base URL providers use (known only after listen when the port was 0). */
  publicBaseUrl(): string;
  db: RelayDb;
  appender: EventAppender;
  hub: EventHub;
  tenants: TenantCache;
  metrics: RelayMetrics;
  logger: Logger;
  isShuttingDown(): boolean;
}
