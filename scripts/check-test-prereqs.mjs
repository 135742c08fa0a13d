// Fails early, with the fix, when something the test suite needs is missing on this machine.
import { existsSync } from 'node:fs';
import net from 'node:net';

const problems = [];
const chromium = process.env.GDIAL_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  problems.push(
    `Chromium is missing at ${chromium} (browser tests need it). Install it with: sudo apt-get install -y chromium  — or set GDIAL_CHROMIUM to its path.`,
  );
}
const pgUrl = new URL(process.env.GDIAL_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test');
const pgUp = await new Promise((resolve) => {
  const s = net.connect({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
  s.once('connect', () => {
    s.end();
    resolve(true);
  });
  s.once('error', () => resolve(false));
  s.setTimeout(2000, () => {
    s.destroy();
    resolve(false);
  });
});
if (!pgUp) {
  problems.push(
    `PostgreSQL does not answer at ${pgUrl.host} (the relay's tests need it). Start it, or set GDIAL_TEST_PG=postgres://user@host:port/db.`,
  );
}
if (problems.length) {
  process.stderr.write(`Cannot run the tests yet:\n- ${problems.join('\n- ')}\n`);
  process.exit(1);
}
