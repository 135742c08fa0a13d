// `npm run bench -- sms-adapter [--messages 10000] [--rounds 3] [--concurrency 64]`
// The same volume as provider-ceiling sent through GDial's SMS adapter (the real twilio
// SDK with our RequestClient and keep-alive agents) at the same concurrency, against the
// simulator in its own process. The ceiling is measured in the same run with the bare
// HTTP client, alternating round by round with the adapter so both see the same machine
// load; medians are compared. Prints msgs_per_s, ceiling_msgs_per_s and ratio (target ≥ 0.6).
import { createTwilioClient, TwilioSmsProvider } from '@gdial/engine/providers';
import { percentile, round, type BenchContext } from '../context';
import { measureProviderCeiling } from '../ceiling';
import { startSimulatorProcess } from '../simulator-process';
import { benchOptions } from './provider-ceiling';

async function sendThroughAdapter(sms: TwilioSmsProvider, messages: number, concurrency: number, prefix: string) {
  let next = 0;
  let errors = 0;
  const worker = async (): Promise<void> => {
    while (next < messages) {
      const index = next++;
      const result = await sms.send({
        deliveryToken: `bench-${prefix}-${index}`,
        to: `${prefix}${String(index).padStart(7, '0')}`,
        body: 'Övningslarm: tryck 1',
      });
      if (!result.ok) errors++;
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const durationMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { errors, msgsPerS: (messages / durationMs) * 1000, clientCpuUsPerMsg: (used.user + used.system) / messages };
}

export default async function smsAdapter(ctx: BenchContext): Promise<void> {
  const { messages, rounds, concurrency } = benchOptions(ctx);
  const sim = await startSimulatorProcess('throughput');
  try {
    const sms = new TwilioSmsProvider({
      client: createTwilioClient({
        accountSid: sim.credentials.accountSid,
        authToken: sim.credentials.authToken,
        baseUrl: sim.url,
        maxSockets: concurrency,
      }),
      from: '+46700000001',
      statusCallbackUrl: 'http://127.0.0.1:9/hooks/twilio/message-status',
    });
    const common = { url: sim.url, accountSid: sim.credentials.accountSid, authToken: sim.credentials.authToken, concurrency };
    ctx.progress('warming up both clients');
    await measureProviderCeiling({ ...common, messages: Math.min(2_000, messages), toPrefix: '+46709' });
    await sendThroughAdapter(sms, Math.min(2_000, messages), concurrency, '+46708');

    const ceiling: number[] = [];
    const adapter: number[] = [];
    const ceilingCpu: number[] = [];
    const adapterCpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const c = await measureProviderCeiling({ ...common, messages, toPrefix: `+4671${r}` });
      if (c.errors > 0) throw new Error(`${c.errors} ceiling creates failed`);
      const a = await sendThroughAdapter(sms, messages, concurrency, `+4672${r}`);
      if (a.errors > 0) throw new Error(`${a.errors} adapter sends failed`);
      ctx.progress(`round ${r + 1}/${rounds}: ceiling ${Math.round(c.msgsPerS)} msgs/s, adapter ${Math.round(a.msgsPerS)} msgs/s`);
      ceiling.push(c.msgsPerS);
      adapter.push(a.msgsPerS);
      ceilingCpu.push(c.clientCpuUsPerMsg);
      adapterCpu.push(a.clientCpuUsPerMsg);
    }
    const adapterRate = percentile(adapter, 50);
    const ceilingRate = percentile(ceiling, 50);
    ctx.emit({
      messages_per_round: messages,
      rounds,
      concurrency,
      msgs_per_s: round(adapterRate, 0),
      ceiling_msgs_per_s: round(ceilingRate, 0),
      ratio: round(adapterRate / ceilingRate, 3),
      client_cpu_us_per_msg: round(percentile(adapterCpu, 50), 0),
      ceiling_client_cpu_us_per_msg: round(percentile(ceilingCpu, 50), 0),
    });
  } finally {
    await sim.stop();
  }
}
