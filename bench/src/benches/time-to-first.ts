// `npm run bench -- time-to-first [--recipients 1000] [--rounds 5]`
// How fast an alert gets going: from the campaigns.start call (plan, write every outbox row
// in one transaction, wake the dispatcher) to the provider accepting the first SMS, and to
// it accepting all of them, for a 1,000-recipient alert through the twilio adapter to the
// simulator in its own process. The dispatcher runs with a 2,000 msg/s sender limit (a
// Twilio messaging service / short code; a single long number allows 10/s). Median of
// several rounds. Prints first_ms (target ≤ 200) and all_ms (target ≤ 2000).
import { percentile, round, type BenchContext } from '../context';
import { campaignFixture, resetSim } from '../campaign-fixture';
import { startSimulatorProcess } from '../simulator-process';

export default async function timeToFirst(ctx: BenchContext): Promise<void> {
  const recipients = Number(ctx.options.recipients ?? 1000);
  const rounds = Number(ctx.options.rounds ?? 5);
  const smsPerSecond = Number(ctx.options.rate ?? 2000);
  const sim = await startSimulatorProcess('throughput');
  try {
    const first: number[] = [];
    const all: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      const f = await campaignFixture(sim, { recipients, concurrency: 64, smsPerSecond });
      const t0 = performance.now();
      f.service.start(f.campaignId);
      await f.handedOver();
      const firstMs = f.accepted[0]! - t0;
      const allMs = f.accepted.at(-1)! - t0;
      await f.close();
      await resetSim(sim);
      // Round 0 warms up the process (JIT, sockets) and is not counted.
      if (r === 0) continue;
      ctx.progress(`round ${r}/${rounds}: first ${Math.round(firstMs)} ms, all ${Math.round(allMs)} ms`);
      first.push(firstMs);
      all.push(allMs);
    }
    ctx.emit({
      recipients,
      rounds,
      sms_per_second_limit: smsPerSecond,
      first_ms: round(percentile(first, 50), 1),
      all_ms: round(percentile(all, 50), 0),
      first_ms_max: round(Math.max(...first), 1),
      all_ms_max: round(Math.max(...all), 0),
    });
  } finally {
    await sim.stop();
  }
}
