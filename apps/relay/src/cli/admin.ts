// `npm run relay -- admin <command>`: tenant administration against the relay's database
// (the same environment as the relay). With embedded PGlite the relay must be stopped
// first: one data directory, one process.
import { parseArgs } from 'node:util';
import type { RelayConfig } from '../config';
import { RelayAdmin } from '../admin';
import { createLogger } from '../log';
import { openRelayDb } from '../relay';
import { migrate } from '../store/migrate';
import { newPasswordSchema, usernameSchema } from '@gdial/protocol';
import { AuthAdmin } from '../auth/admin-service';
import { generatePassword, owaspScrypt } from '../auth/passwords';
import { EventAppender } from '../ingest/appender';
import { appendAuditToLog } from '../ingest/auth-audit';
import { RelayMetrics } from '../ops/metrics';
import { AuthService } from '../auth/service';
import { randomId } from '../store/secrets';
import { findTenantBySlug } from '../store/tenants';

const USAGE = `Usage: npm run relay -- admin <command> [options]

  create-tenant <slug> --name <name>       Create a tenant (organisation)
  list-tenants
  create-enrolment <slug> [--ttl-hours 24] One-time token a desktop enrols with
  list-devices <slug>
  rotate-device-token <slug> <deviceId>    New device token; the old one stops working
  revoke-device <slug> <deviceId>
  new-epoch <slug>                         After restoring the database from a backup (before starting the
                                           relay): a new sync epoch, so every desktop re-pushes what the
                                           backup lacks and reads the organisation's state again
  set-credentials <slug> [--twilio-auth-token T] [--sendgrid-public-key K] [--telegram-secret-token S]
                  [--elks-callback-secret new|S] [--from-env]
                                           --from-env reads TWILIO_AUTH_TOKEN, SENDGRID_WEBHOOK_PUBLIC_KEY,
                                           TELEGRAM_SECRET_TOKEN, ELKS_CALLBACK_SECRET (keeps secrets out of
                                           the process list); "new" generates a 46elks secret and prints it
  urls <slug>                              Webhook URLs to configure at the providers
  create-admin <slug> --username U [--display-name N] [--password-stdin]
                                           The organisation's first administrator (role Administratör);
                                           the password is read from stdin with --password-stdin,
                                           else a generated one is printed once
  reset-password <slug> --username U [--password-stdin]
                                           New password (read or generated as above); lifts a lockout
                                           and ends every session of the user
`;

/** The password piped in (--password-stdin), without its final newline; or null to generate one. */
async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function runAdmin(argv: string[], config: RelayConfig): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'ttl-hours': { type: 'string' },
      'twilio-auth-token': { type: 'string' },
      'sendgrid-public-key': { type: 'string' },
      'telegram-secret-token': { type: 'string' },
      'elks-callback-secret': { type: 'string' },
      'from-env': { type: 'boolean' },
      username: { type: 'string' },
      'display-name': { type: 'string' },
      'password-stdin': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const [command, ...args] = positionals;
  if (!command || values.help) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const need = (n: number, what: string): string[] | null => {
    if (args.length === n) return args;
    process.stderr.write(`${command} needs ${what}\n\n${USAGE}`);
    return null;
  };

  const logger = createLogger({ level: 'warn' });
  const db = await openRelayDb(config, logger);
  try {
    await migrate(db);
    const admin = new RelayAdmin(db, config.encryptionKey, () => config.publicBaseUrl);
    const fail = (problem: string) => {
      process.stderr.write(`${problem}\n`);
      return 1;
    };
    switch (command) {
      case 'create-tenant': {
        const a = need(1, '<slug>');
        if (!a) return 2;
        if (!values.name) return fail('create-tenant needs --name "<organisation name>"');
        const r = await admin.createTenant(a[0]!, values.name);
        if (!r.ok) return fail(r.problem);
        process.stdout.write(`Created tenant ${r.tenant.slug} (${r.tenant.id})\n`);
        return 0;
      }
      case 'list-tenants': {
        for (const t of await admin.listTenants()) process.stdout.write(`${t.slug}\t${t.id}\t${t.name}\n`);
        return 0;
      }
      case 'create-enrolment': {
        const a = need(1, '<slug>');
        if (!a) return 2;
        const ttl = values['ttl-hours'] === undefined ? 24 : Number(values['ttl-hours']);
        const r = await admin.createEnrolment(a[0]!, ttl);
        if (!r.ok) return fail(r.problem);
        process.stdout.write(`Enrolment token (shown once, valid until ${r.value.expiresAt.toISOString()}):\n${r.value.token}\n`);
        return 0;
      }
      case 'list-devices': {
        const a = need(1, '<slug>');
        if (!a) return 2;
        const r = await admin.listDevices(a[0]!);
        if (!r.ok) return fail(r.problem);
        for (const d of r.value) {
          process.stdout.write(
            `${d.id}\t${d.name}\tacked=${d.ackedSeq}\tlastSeen=${d.lastSeenAt?.toISOString() ?? '-'}${d.revokedAt ? '\tREVOKED' : ''}\n`,
          );
        }
        return 0;
      }
      case 'rotate-device-token': {
        const a = need(2, '<slug> <deviceId>');
        if (!a) return 2;
        const r = await admin.rotateDeviceToken(a[0]!, a[1]!);
        if (!r.ok) return fail(r.problem);
        process.stdout.write(`New device token (shown once; the old one no longer works):\n${r.value}\n`);
        return 0;
      }
      case 'revoke-device': {
        const a = need(2, '<slug> <deviceId>');
        if (!a) return 2;
        const r = await admin.revokeDevice(a[0]!, a[1]!);
        if (!r.ok) return fail(r.problem);
        process.stdout.write('Device revoked\n');
        return 0;
      }
      case 'new-epoch': {
        const a = need(1, '<slug>');
        if (!a) return 2;
        const r = await admin.newEpoch(a[0]!);
        if (!r.ok) return fail(r.problem);
        process.stdout.write(`New sync epoch ${r.value.id}; the restored log ends at ${r.value.seq}\n`);
        return 0;
      }
      case 'set-credentials': {
        const a = need(1, '<slug>');
        if (!a) return 2;
        const env = values['from-env'] ? process.env : {};
        const elks = values['elks-callback-secret'] ?? env.ELKS_CALLBACK_SECRET;
        const elksCallbackSecret = elks === 'new' ? randomId() : elks;
        const r = await admin.setCredentials(a[0]!, {
          twilioAuthToken: values['twilio-auth-token'] ?? env.TWILIO_AUTH_TOKEN,
          sendgridPublicKey: values['sendgrid-public-key'] ?? env.SENDGRID_WEBHOOK_PUBLIC_KEY,
          telegramSecretToken: values['telegram-secret-token'] ?? env.TELEGRAM_SECRET_TOKEN,
          elksCallbackSecret,
        });
        if (!r.ok) return fail(r.problem);
        if (elks === 'new') process.stdout.write(`46elks callback secret (enter it in GDial's settings): ${elksCallbackSecret}\n`);
        process.stdout.write('Credentials stored (secrets encrypted); relays pick them up within 30 s\n');
        return 0;
      }
      case 'urls': {
        const a = need(1, '<slug>');
        if (!a) return 2;
        const r = await admin.webhookUrls(a[0]!);
        if (!r.ok) return fail(r.problem);
        for (const [k, v] of Object.entries(r.value)) process.stdout.write(`${k}\t${v}\n`);
        return 0;
      }
      case 'create-admin':
      case 'reset-password': {
        const a = need(1, '<slug>');
        if (!a) return 2;
        const username = usernameSchema.safeParse(values.username ?? '');
        if (!username.success) return fail(`${command} needs --username: ${username.error.issues[0]?.message ?? 'ogiltigt'}`);
        const tenant = await findTenantBySlug(db, a[0]!);
        if (!tenant) return fail(`No tenant "${a[0]}"`);
        const given = values['password-stdin'] ? await passwordFromStdin() : null;
        const password = newPasswordSchema.safeParse(given ?? generatePassword());
        if (!password.success) return fail(`Password refused: ${password.error.issues[0]?.message ?? ''}`);
        // Audit entries reach the organisation's shared audit through the log; running relays
        // hear of the commit by NOTIFY (or their poll) and pass it to the desktops.
        const appender = new EventAppender(
          db,
          { appendStarted: () => undefined, committed: () => undefined, appendFinished: () => undefined },
          new RelayMetrics(),
        );
        const auth = new AuthService(db, config.encryptionKey, owaspScrypt, Date.now, (tenantId, entry) =>
          appendAuditToLog({ db, appender }, tenantId, entry),
        );
        const authAdmin = new AuthAdmin(
          auth,
          () => config.publicBaseUrl,
          () => undefined,
        );
        const r =
          command === 'create-admin'
            ? await authAdmin.createUser(
                tenant.id,
                { username: username.data, displayName: values['display-name'] ?? username.data, role: 'admin', password: password.data },
                null,
              )
            : await authAdmin.resetPassword(tenant.id, username.data, password.data);
        if (!r.ok) return fail(r.failure.message);
        process.stdout.write(
          command === 'create-admin'
            ? `Created administrator ${r.value.username} (${r.value.id}) in ${tenant.slug}\n`
            : `Password reset for ${r.value.username}; their sessions ended\n`,
        );
        if (given === null) process.stdout.write(`Password (shown once): ${password.data}\n`);
        return 0;
      }
      default:
        process.stderr.write(`Unknown admin command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } finally {
    await db.close();
  }
}
