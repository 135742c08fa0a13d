// `npm run bench -- campaign-dispatch [--recipients 20000] [--concurrency 64] [--rounds 1]`
// A 20,000-recipient SMS campaign through the whole engine path — start (plan and write
// every outbox row in one transaction), claim in batches, the real twilio SDK adapter,
// results written back in batches — against the simulator in its own process with zero
// latency. The provider ceiling (bare keep-alive HTTP client, same volume, same
// concurrency) is measured in the same run, alternating with the campaign round by round.
// msgs_per_s counts from the start call to the last message accepted.
// Prints msgs_per_s, ceiling_msgs_per_s, ratio (targets ≥ 1,000 msg/s and ≥ 0.6).
import { percentile, round, type BenchContext } from '../context';
import { measureProviderCeiling } from '../ceiling';
import { campaignFixture, resetSim } from '../campaign-fixture';
import { startSimulatorProcess } from '../simulator-process';

export default async function campaignDispatch(ctx: BenchContext): Promise<void> {
  const recipients = Number(ctx.options.recipients ?? 20_000);
  const concurrency = Number(ctx.options.concurrency ?? 64);
  const rounds = Number(ctx.options.rounds ?? 1);
  const sim = await startSimulatorProcess('throughput');
  try {
    const common = { url: sim.url, accountSid: sim.credentials.accountSid, authToken: sim.credentials.authToken, concurrency };
    ctx.progress('warming up');
    await measureProviderCeiling({ ...common, messages: 2_000, toPrefix: '+46709' });
    const warm = await campaignFixture(sim, { recipients: 2_000, concurrency, smsPerSecond: 1e6 });
    warm.service.start(warm.campaignId);
    await warm.handedOver();
    await warm.close();
    await resetSim(sim);

    const ceiling: number[] = [];
    const rates: number[] = [];
    const dispatchRates: number[] = [];
    const startMs: number[] = [];
    const cpuPerMsg: number[] = [];
    const ceilingCpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const c = await measureProviderCeiling({ ...common, messages: recipients, toPrefix: `+4671${r}` });
      if (c.errors > 0) throw new Error(`${c.errors} ceiling creates failed`);
      await resetSim(sim);
      const f = await campaignFixture(sim, { recipients, concurrency, smsPerSecond: 1e6 });
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      f.service.start(f.campaignId);
      const t1 = performance.now();
      await f.handedOver();
      const used = process.cpuUsage(cpu0);
      cpuPerMsg.push((used.user + used.system) / recipients);
      ceilingCpu.push(c.clientCpuUsPerMsg);
      const last = f.accepted.at(-1)!;
      if (f.accepted.length !== recipients) throw new Error(`only ${f.accepted.length} of ${recipients} accepted`);
      const rate = (recipients / (last - t0)) * 1000;
      const dispatchRate = (recipients / (last - t1)) * 1000;
      ctx.progress(
        `round ${r + 1}/${rounds}: ceiling ${Math.round(c.msgsPerS)} msgs/s, campaign ${Math.round(rate)} msgs/s (start ${Math.round(t1 - t0)} ms)`,
      );
      ceiling.push(c.msgsPerS);
      rates.push(rate);
      dispatchRates.push(dispatchRate);
      startMs.push(t1 - t0);
      await f.close();
      await resetSim(sim);
    }
    const rate = percentile(rates, 50);
    const ceil = percentile(ceiling, 50);
    ctx.emit({
      recipients,
      concurrency,
      rounds,
      msgs_per_s: round(rate, 0),
      ceiling_msgs_per_s: round(ceil, 0),
      ratio: round(rate / ceil, 3),
      start_ms: round(percentile(startMs, 50), 0),
      dispatch_only_msgs_per_s: round(percentile(dispatchRates, 50), 0),
      engine_cpu_us_per_msg: round(percentile(cpuPerMsg, 50), 0),
      ceiling_client_cpu_us_per_msg: round(percentile(ceilingCpu, 50), 0),
    });
  } finally {
    await sim.stop();
  }
}
