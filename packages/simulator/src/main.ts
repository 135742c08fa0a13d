// `npm run simulator`: runs the provider simulator in the foreground and prints how to
// point GDial (or curl) at it. PORT or SIM_PORT picks the port, SIM_SEED the seed,
// SIM_PROFILE a built-in profile name, SIM_HOST the interface.
import { startSimulator } from './index';

const port = Number(process.env.SIM_PORT ?? process.env.PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`Invalid port "${process.env.SIM_PORT ?? process.env.PORT}"\n`);
  process.exit(2);
}
try {
  const sim = await startSimulator({
    port,
    host: process.env.SIM_HOST ?? '127.0.0.1',
    seed: process.env.SIM_SEED ?? 1,
    profile: process.env.SIM_PROFILE ?? 'standard',
  });
  const c = sim.credentials;
  process.stdout.write(
    [
      `GDial provider simulator listening on ${sim.url} (profile ${sim.profile().name})`,
      `  Twilio     base URL ${sim.url}  account SID ${c.accountSid}  auth token ${c.authToken}`,
      `  SendGrid   base URL ${sim.url}  API key ${c.sendgridApiKey}`,
      `  SendGrid   event-webhook public key ${c.sendgridPublicKey}`,
      `  Telegram   base URL ${sim.url}  bot token ${c.telegramBotToken}`,
      `  Control    ${sim.url}/_sim/info  (PUT /_sim/config, PUT /_sim/profile, POST /_sim/inbound/message, GET /_sim/messages …)`,
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Started by a parent over IPC (benchmarks): never outlive it.
  if (process.send) process.on('disconnect', stop);
} catch (error) {
  process.stderr.write(`Could not start the simulator: ${(error as Error).message}\n`);
  process.exit(1);
}
