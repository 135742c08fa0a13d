// Prometheus text exposition for the relay's few metrics: webhooks by result, commit
// latency, connected desktops and per-tenant lag. Small enough that a client library would
// add more than it saves.

import { SIGNATURE_FAILURE_WINDOW_MINUTES } from '@gdial/protocol';

type Labels = Record<string, string>;
const labelKey = (labels: Labels): string =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

class Counter {
  readonly values = new Map<string, number>();
  /** Label sets seen before, by their values in the caller's order: counted on every webhook. */
  private readonly keys = new Map<string, string>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  private keyOf(labels: Labels): string {
    let raw = '';
    for (const name in labels) raw += `${name}\u0000${labels[name]}\u0001`;
    let k = this.keys.get(raw);
    if (k === undefined) this.keys.set(raw, (k = labelKey(labels)));
    return k;
  }
  inc(labels: Labels = {}, by = 1): void {
    const k = this.keyOf(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(this.keyOf(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {
    this.counts = buckets.map(() => 0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    this.buckets.forEach((b, i) => {
      if (value <= b) this.counts[i]!++;
    });
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{le="${b}"} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines.join('\n');
  }
}

/**
 * Webhooks refused for their signature, per tenant, in minute buckets over a sliding window:
 * what a desktop's health alert on forged webhooks reads (GET /api/v1/health). Only tenants
 * that exist reach a signature check, and the map is bounded besides. Counted per relay
 * instance: behind a load balancer each desktop sees the instance that answers it.
 */
export class SignatureFailures {
  private readonly buckets = new Map<string, Map<number, number>>();
  constructor(
    readonly windowMinutes: number,
    private readonly clock: () => number = Date.now,
    private readonly maxTenants = 10_000,
  ) {}

  add(tenant: string): void {
    const minute = Math.floor(this.clock() / 60_000);
    let b = this.buckets.get(tenant);
    if (!b) {
      if (this.buckets.size >= this.maxTenants) this.prune(minute);
      if (this.buckets.size >= this.maxTenants) return;
      this.buckets.set(tenant, (b = new Map<number, number>()));
    }
    b.set(minute, (b.get(minute) ?? 0) + 1);
    for (const m of b.keys()) if (m <= minute - this.windowMinutes) b.delete(m);
  }

  /** Failures for the tenant in the last `windowMinutes` minutes. */
  count(tenant: string): number {
    const from = Math.floor(this.clock() / 60_000) - this.windowMinutes;
    let n = 0;
    for (const [m, c] of this.buckets.get(tenant) ?? []) if (m > from) n += c;
    return n;
  }

  private prune(minute: number): void {
    for (const [t, b] of this.buckets) if (![...b.keys()].some((m) => m > minute - this.windowMinutes)) this.buckets.delete(t);
  }
}

export type WebhookResult = 'accepted' | 'duplicate' | 'rejected_signature' | 'rejected_unknown_tenant' | 'rejected_bad_request' | 'error';

export interface GaugeSource {
  connectedDesktops(): number;
  /** Per tenant slug: committed head minus the furthest sequence a connected desktop acknowledged. */
  tenantLag(): Map<string, number>;
  /** Bytes waiting in desktops' socket buffers, all streams together. */
  bufferedBytes(): number;
}

export class RelayMetrics {
  readonly webhooks = new Counter('relay_webhooks_total', 'Provider webhooks by provider, kind and result.');
  readonly commitSeconds = new Histogram(
    'relay_commit_seconds',
    'Time to commit a batch of events to the log.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  readonly eventsPushed = new Counter('relay_events_pushed_total', 'Log entries sent to desktops.');
  readonly rateLimited = new Counter('relay_rate_limited_total', 'Requests refused by the rate limiter, by route group.');
  readonly backpressureWaits = new Counter(
    'relay_stream_backpressure_waits_total',
    'Times a desktop stream paused because its socket buffer was full.',
  );
  /** Per tenant, for its desktops' health alerts (not exported to Prometheus: tenant names stay off /metrics). */
  readonly signatureFailures = new SignatureFailures(SIGNATURE_FAILURE_WINDOW_MINUTES);
  gauges: GaugeSource | null = null;

  render(): string {
    const parts = [
      this.webhooks.render(),
      this.commitSeconds.render(),
      this.eventsPushed.render(),
      this.rateLimited.render(),
      this.backpressureWaits.render(),
    ];
    const g = this.gauges;
    parts.push(
      [
        '# HELP relay_connected_desktops Desktops with an open stream.',
        '# TYPE relay_connected_desktops gauge',
        `relay_connected_desktops ${g?.connectedDesktops() ?? 0}`,
      ].join('\n'),
    );
    const lag = [
      '# HELP relay_tenant_lag_events Committed events not yet acknowledged by any connected desktop of the tenant.',
      '# TYPE relay_tenant_lag_events gauge',
    ];
    for (const [tenant, value] of g?.tenantLag() ?? []) lag.push(`relay_tenant_lag_events{${labelKey({ tenant })}} ${value}`);
    parts.push(lag.join('\n'));
    parts.push(
      [
        "# HELP relay_stream_buffered_bytes Bytes waiting in desktop sockets' send buffers.",
        '# TYPE relay_stream_buffered_bytes gauge',
        `relay_stream_buffered_bytes ${g?.bufferedBytes() ?? 0}`,
      ].join('\n'),
    );
    return `${parts.join('\n')}\n`;
  }
}
