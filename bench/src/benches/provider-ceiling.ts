// `npm run bench -- provider-ceiling [--messages 10000] [--rounds 3] [--concurrency 64]`
// The loopback simulator's capacity for Twilio Message creates, measured with a bare
// keep-alive HTTP client (undici pool, no SDK) at concurrency 64 against the simulator running in its
// own process with the "throughput" profile. This is the baseline the sms-adapter and
// campaign benchmarks compare against. Several rounds, median reported, because the
// machine is shared. Prints msgs_per_s.
import { percentile, round, type BenchContext } from '../context';
import { measureProviderCeiling } from '../ceiling';
import { startSimulatorProcess } from '../simulator-process';

export function benchOptions(ctx: BenchContext): { messages: number; rounds: number; concurrency: number } {
  const messages = Number(ctx.options.messages ?? 10_000);
  const rounds = Number(ctx.options.rounds ?? 3);
  const concurrency = Number(ctx.options.concurrency ?? 64);
  if (!Number.isInteger(messages) || messages < 100) throw new Error('--messages must be an integer ≥ 100');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency must be a positive integer');
  return { messages, rounds, concurrency };
}

export default async function providerCeiling(ctx: BenchContext): Promise<void> {
  const { messages, rounds, concurrency } = benchOptions(ctx);
  const sim = await startSimulatorProcess('throughput');
  try {
    const common = { url: sim.url, accountSid: sim.credentials.accountSid, authToken: sim.credentials.authToken, concurrency };
    ctx.progress(`warming up against ${sim.url}`);
    await measureProviderCeiling({ ...common, messages: Math.min(2_000, messages), toPrefix: '+46709' });
    const rates: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const result = await measureProviderCeiling({ ...common, messages, toPrefix: `+4671${r}` });
      if (result.errors > 0) throw new Error(`${result.errors} of ${messages} creates failed`);
      ctx.progress(`round ${r + 1}/${rounds}: ${Math.round(result.msgsPerS)} msgs/s`);
      rates.push(result.msgsPerS);
      cpu.push(result.clientCpuUsPerMsg);
    }
    ctx.emit({
      messages_per_round: messages,
      rounds,
      concurrency,
      msgs_per_s: round(percentile(rates, 50), 0),
      min_msgs_per_s: round(Math.min(...rates), 0),
      max_msgs_per_s: round(Math.max(...rates), 0),
      client_cpu_us_per_msg: round(percentile(cpu, 50), 0),
    });
  } finally {
    await sim.stop();
  }
}
