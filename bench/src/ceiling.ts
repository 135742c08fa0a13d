// The provider ceiling: how many Twilio Message creates per second the simulator answers
// to a bare keep-alive HTTP client (an undici pool: the leanest client we have, so the
// baseline is strict) at a given concurrency. Adapter and dispatcher benchmarks measure it
// in their own run and report their throughput as a ratio of it.
import { Pool } from 'undici';

export interface CeilingOptions {
  /** Simulator base URL. */
  url: string;
  accountSid: string;
  authToken: string;
  messages: number;
  concurrency: number;
  from?: string;
  /** Recipient numbers are `${toPrefix}${index padded to 7 digits}`. */
  toPrefix?: string;
  onProgress?: (done: number) => void;
}

export interface CeilingResult {
  messages: number;
  errors: number;
  durationMs: number;
  msgsPerS: number;
  /** CPU time this process spent per message (the client's cost; the simulator is elsewhere). */
  clientCpuUsPerMsg: number;
}

export async function measureProviderCeiling(options: CeilingOptions): Promise<CeilingResult> {
  const pool = new Pool(options.url, { connections: options.concurrency });
  const auth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const path = `/2010-04-01/Accounts/${options.accountSid}/Messages.json`;
  const from = options.from ?? '+46700000001';
  const toPrefix = options.toPrefix ?? '+46701';
  let next = 0;
  let errors = 0;
  let done = 0;

  const post = async (index: number): Promise<number> => {
    const body = new URLSearchParams({
      To: `${toPrefix}${String(index).padStart(7, '0')}`,
      From: from,
      Body: 'Övningslarm: tryck 1',
    }).toString();
    try {
      const res = await pool.request({
        path,
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      await res.body.dump();
      return res.statusCode;
    } catch {
      return 0;
    }
  };

  const worker = async (): Promise<void> => {
    while (next < options.messages) {
      const index = next++;
      const status = await post(index);
      if (status !== 201) errors++;
      done++;
      if (done % 5000 === 0) options.onProgress?.(done);
    }
  };

  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const durationMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await pool.close();
  return {
    messages: options.messages,
    errors,
    durationMs,
    msgsPerS: (options.messages / durationMs) * 1000,
    clientCpuUsPerMsg: (used.user + used.system) / options.messages,
  };
}
