// How long the console waits for a method's answer before failing the call with TIMEOUT.
// A plain table apart from the methods' schemas: the console's RPC client is among the first
// code to run, and reading a timeout from `methods` built every zod schema of the contract (and
// loaded libphonenumber) before the first request could be sent.
import type { MethodName } from './rpc';

/** Every method not listed waits this long. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The methods that may take longer (or must answer sooner) than DEFAULT_TIMEOUT_MS. */
export const methodTimeoutsMs: { readonly [M in MethodName]?: number } = {
  // Import and export walk the whole address book.
  'contacts.import.inspect': 300_000,
  'contacts.import.preview': 300_000,
  'contacts.import.run': 1_800_000,
  'contacts.export': 300_000,
  // Planning resolves the audience and renders voice audio.
  'campaigns.plan': 120_000,
  'campaigns.start': 120_000,
  'campaigns.submitForApproval': 120_000,
  'campaigns.override': 120_000,
  'campaigns.report': 60_000,
  'campaigns.exportCsv': 120_000,
  'campaigns.afterAction': 120_000,
  'campaigns.history': 60_000,
  'analytics.overview': 120_000,
  // Speech: installing a voice loads its model; synthesis renders audio.
  'tts.voices.install': 180_000,
  'tts.synthesise': 120_000,
  'audio.saveRecording': 60_000,
  // Restarting the relay stream and providers with a new setup; asking a relay.
  'connectivity.saveSetup': 45_000,
  'connectivity.reloadSetup': 45_000,
  'connectivity.checkRelay': 20_000,
  'sync.organisation': 35_000,
  'sync.takeOver': 45_000,
  'backups.create': 300_000,
  'backups.restore': 300_000,
  // AI: an answer may take the settings' longest wait (up to 120 s) twice (one retry).
  'ai.draftAlert': 260_000,
  'ai.simplify': 260_000,
  'ai.translate': 260_000,
  'ai.classifyReplies': 260_000,
  'ai.summariseReplies': 260_000,
};

export const timeoutOf = (method: MethodName): number => methodTimeoutsMs[method] ?? DEFAULT_TIMEOUT_MS;
