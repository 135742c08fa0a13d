// `npm run bench -- campaign-latency [--recipients 100000] [--concurrency 512]`
// 100,000 SMS through the engine and the twilio adapter to the simulator (own process)
// answering every API call after 150 ms, as a distant provider would. Throughput is then
// bound by how many calls are in flight at once, not by CPU: the dispatcher's global
// concurrency cap (and the adapter's socket pool) must be large. Prints recipients and
// seconds from the start call until every message is handed over (target ≤ 120 s).
import { round, type BenchContext } from '../context';
import { campaignFixture, setSimProfile } from '../campaign-fixture';
import { startSimulatorProcess } from '../simulator-process';

export default async function campaignLatency(ctx: BenchContext): Promise<void> {
  const recipients = Number(ctx.options.recipients ?? 100_000);
  const concurrency = Number(ctx.options.concurrency ?? 512);
  const latencyMs = Number(ctx.options.latency ?? 150);
  const sim = await startSimulatorProcess('throughput');
  try {
    await setSimProfile(sim, {
      name: 'throughput-150ms',
      rules: [],
      latency: { api: latencyMs, messageSent: 0, messageFinal: 0, callRinging: 0, callAnswer: 0, email: 0 },
      limits: {
        messagesPerSecondPerSender: 1e9,
        whatsappPerSecondPerSender: 1e9,
        callsPerSecondPerAccount: 1e9,
        apiConcurrency: 1e6,
        sendgridPerSecond: 1e9,
      },
      callbacks: { enabled: false, record: false },
      allowedPrefixes: ['+'],
    });
    ctx.progress(`planning ${recipients} recipients`);
    const f = await campaignFixture(sim, { recipients, concurrency, smsPerSecond: 1e6 });
    const t0 = performance.now();
    f.service.start(f.campaignId);
    const startMs = performance.now() - t0;
    ctx.progress(`started in ${Math.round(startMs)} ms; sending with ${concurrency} in flight`);
    const progress = setInterval(() => ctx.progress(`${f.accepted.length} handed over`), 10_000);
    try {
      await f.handedOver(600_000);
    } finally {
      clearInterval(progress);
    }
    const seconds = (f.accepted.at(-1)! - t0) / 1000;
    ctx.emit({
      recipients,
      seconds: round(seconds, 1),
      api_latency_ms: latencyMs,
      concurrency,
      msgs_per_s: round(recipients / seconds, 0),
      start_ms: round(startMs, 0),
    });
    await f.close();
  } finally {
    await sim.stop();
  }
}
