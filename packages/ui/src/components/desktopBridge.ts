// What the console shows of the desktop app around it (Electron's preload, window.gdial):
// the engine process's state as main reports it (the engine crashed and is being
// restarted, or could not be started at all) and gdial:// links to open a page. Values
// cross from another process, so they are checked here, never trusted; in the browser
// host there is no bridge and none of this applies.

/** The part of window.gdial this module uses. */
export interface DesktopEvents {
  onEngineStatus(listener: (status: unknown) => void): () => void;
  onDeepLink(listener: (route: unknown) => void): () => void;
}

/** What the host prints to PDF: a whole HTML document and the words for every page's margins. */
export interface ReportPdfRequest {
  html: string;
  fileName: string;
  /** Left of every page's header, e.g. "ystad · Efterhandsrapport: Brand". */
  header: string;
  /** Right of the header: "Skapad 2026-03-02 08:15". */
  generated: string;
  /** "Sida {page} av {pages}". */
  pageLabel: string;
}

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser host. */
    gdial?: {
      enginePort(): Promise<MessagePort>;
      chooseVoiceFiles?(title: string): Promise<string[]>;
      /** The engine could not read its database: start it on this offered backup instead (false: refused). */
      restoreBackup?(name: string): Promise<boolean>;
      /** Prints the after-action report to PDF with Electron's printToPDF and saves it where the operator chooses. */
      printReportPdf?(request: ReportPdfRequest): Promise<{ saved: boolean; fileName: string }>;
    } & Partial<DesktopEvents>;
  }
}

export type EngineNotice =
  | { kind: 'none' }
  | { kind: 'restarting'; attempt: number; cause: 'crashed' | 'no-answer' | 'start-timeout'; exitCode: number | null }
  | { kind: 'recovered'; restarts: number }
  | {
      kind: 'failed';
      why: 'too-many-crashes' | 'start-failed';
      crashes: number | null;
      message: string | null;
      /** A database that could not be read: its backups, newest first, and whether each is whole. */
      backups: OfferedBackup[];
    };

export interface OfferedBackup {
  name: string;
  createdAt: string;
  intact: boolean;
}

/** The backups a failed start offers, as far as they are well-formed (at most 50). */
const offeredBackups = (v: unknown): OfferedBackup[] =>
  Array.isArray(v)
    ? v
        .filter(
          (b): b is OfferedBackup =>
            isObject(b) &&
            typeof b.name === 'string' &&
            typeof b.createdAt === 'string' &&
            !Number.isNaN(Date.parse(b.createdAt)) &&
            typeof b.intact === 'boolean',
        )
        .slice(0, 50)
        .map((b) => ({ name: b.name, createdAt: b.createdAt, intact: b.intact }))
    : [];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const count = (v: unknown): number => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0);

/**
 * The notice to show for a status from main, given the previous notice: a restart is
 * announced while it happens, "running again" once it has, and a failure stays.
 */
export function engineNotice(status: unknown, previous: EngineNotice): EngineNotice {
  if (!isObject(status)) return previous;
  switch (status.state) {
    case 'restarting': {
      const cause = isObject(status.cause) ? status.cause : {};
      return {
        kind: 'restarting',
        attempt: count(status.restarts),
        cause: cause.kind === 'unresponsive' ? 'no-answer' : cause.kind === 'ready-timeout' ? 'start-timeout' : 'crashed',
        exitCode: cause.kind === 'exit' && typeof cause.code === 'number' ? cause.code : null,
      };
    }
    case 'running':
      return previous.kind === 'restarting' || previous.kind === 'recovered'
        ? { kind: 'recovered', restarts: count(status.restarts) }
        : { kind: 'none' };
    case 'failed': {
      const f = isObject(status.failure) ? status.failure : {};
      return f.kind === 'too-many-crashes'
        ? { kind: 'failed', why: 'too-many-crashes', crashes: count(f.crashes), message: null, backups: [] }
        : {
            kind: 'failed',
            why: 'start-failed',
            crashes: null,
            message: typeof f.message === 'string' ? f.message.slice(0, 500) : null,
            backups: offeredBackups(f.backups),
          };
    }
    default:
      // starting / stopping / stopped: nothing new to tell the operator.
      return previous;
  }
}

/** Where a gdial:// link from main should take the console, as a hash route; null to stay. */
export function deepLinkTarget(route: unknown): { page: string; params: number[] } | null {
  if (!isObject(route)) return null;
  if (route.kind === 'campaign' && typeof route.campaignId === 'number' && Number.isSafeInteger(route.campaignId) && route.campaignId > 0) {
    return { page: 'campaigns', params: [route.campaignId] };
  }
  const pages = ['dashboard', 'campaigns', 'contacts', 'inbox', 'templates', 'settings'];
  if (route.kind === 'page' && typeof route.page === 'string' && pages.includes(route.page)) return { page: route.page, params: [] };
  return null;
}
