// The engine's way to keep provider credentials and the relay token: it never stores them
// itself, it asks the host to seal them (the desktop app: Electron's safeStorage, in the
// main process) and stores only what comes back. A host without secure storage (the
// browser host) passes no sealer, and the engine then refuses to keep secrets at all.

/** The secret slots the engine keeps; the names are what the sealer binds each value to. */
export const secretSlots = {
  relayDeviceToken: 'relay.deviceToken',
  twilioAuthToken: 'provider.twilio.authToken',
  sendgridApiKey: 'provider.sendgrid.apiKey',
  telegramBotToken: 'provider.telegram.botToken',
  elksPassword: 'provider.elks.password',
  elksCallbackSecret: 'provider.elks.callbackSecret',
} as const;
export type SecretSlot = (typeof secretSlots)[keyof typeof secretSlots];

/** The slot of the database's own key (services/database-key.ts): sealed the same way, kept beside the database. */
export const databaseKeySlot = 'store.databaseKey';
/** The slot of the signed-in user's relay session tokens (identity/relay-auth.ts). */
export const relaySessionSlot = 'relay.session';
/** The slot of the AI server's API key (ai/service.ts). */
export const aiKeySlot = 'ai.apiKey';
/** Every slot a sealer binds values to. */
export type SealedSlot = SecretSlot | typeof databaseKeySlot | typeof relaySessionSlot | typeof aiKeySlot;

export type SealerResult<T> = { ok: true; value: T } | { ok: false; message: string };

export interface OpenedSecret {
  value: string;
  /** Set when the host's key changed and the value was sealed again: store this instead. */
  resealed: string | null;
}

export interface SecretSealer {
  /** Whether secrets can be sealed on this machine now; if not, a sentence saying why. */
  available(): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Encrypts `value` for one slot; the result is text that is safe to store. */
  seal(slot: SealedSlot, value: string): Promise<SealerResult<string>>;
  /** Decrypts what `seal` returned for the same slot; fails for another slot, key or altered text. */
  open(slot: SealedSlot, sealed: string): Promise<SealerResult<OpenedSecret>>;
}
