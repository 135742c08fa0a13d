// The console's browser host as a workstation of an organisation whose relay is elsewhere and
// not reachable here (its sync waits), for the benches that measure the console itself. Not
// the demo world: its relay (Postgres in WebAssembly) runs in the host's process, and absorbing
// a big import's sync or an alert's changes keeps that process busy for minutes. Since a
// desktop joined to an organisation signs users in at its relay, the host starts signed in as
// an administrator (the engine's host-user option, as the browser tests do).
import { silentLogger, type ConnectivitySettings } from '@gdial/engine';
import { startConsole, type ConsoleOptions } from '@gdial/desktop/src/web/host';

export const UNREACHABLE_RELAY = 'http://127.0.0.1:9';

export async function startWorkstation(
  dataDir: string,
  providers: NonNullable<ConnectivitySettings['providers']>,
  extra: Pick<ConsoleOptions, 'approvalRule'> = {},
) {
  return startConsole({
    port: 0,
    dataDir,
    logger: silentLogger(),
    connectivity: {
      mode: 'live',
      settings: { relay: { url: UNREACHABLE_RELAY, deviceToken: 'bench-not-a-token', tenant: 'bench' }, providers },
    },
    signedIn: { displayName: 'Bench Admin', role: 'admin' },
    ...extra,
  });
}
