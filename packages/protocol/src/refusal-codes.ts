// Refusals: what the engine says when it will not do what the console asked. Each carries
// a code and the values it names, so the console words it in the operator's language; the
// English message beside it is for logs and for codes a console does not know yet.

/** Every refusal code with the names of the values it carries. */
export const refusalParams = {
  /** Something asked for does not exist (what: Campaign, Template, Contact, Group, …). */
  'not-found': ['what', 'id'],
  /** The alert's status does not allow the action (status and action as the lifecycle names them). */
  'campaign.transition': ['id', 'status', 'action'],
  /** The plan has blockers; they follow as refusals of their own. */
  'campaign.blocked': ['name'],
  'campaign.template-missing': ['name', 'templateId'],
  'campaign.template-unapproved': [],
  'campaign.no-future-run': [],
  /** Skip a held channel: only a running or paused alert has people waiting. */
  'campaign.nobody-waiting': ['id', 'status'],
  /** Another desktop of the organisation runs the alert (owner: its name); take it over first. */
  'campaign.remote': ['id', 'owner'],
  /** Take over: the owner still renews its lease (owner: its name). */
  'campaign.owner-alive': ['id', 'owner'],
  /** Take over needs the relay (the lease is held there). */
  'campaign.take-over-offline': ['id'],
  /** Bekräftad per telefon: the person has already confirmed (via: how, as the engine stored it). */
  'recipient.already-confirmed': ['name', 'via'],
  /** Bekräftad per telefon needs a note saying what was said or done. */
  'recipient.note-required': ['name'],
  /** The two-person rule (approvals.ts): the alert needs a second operator's approval (reasons: head-count, vma). */
  'approval.required': ['name', 'recipients', 'threshold', 'reasons'],
  /** Nobody approves their own alert or template, not even from another session or desktop. */
  'approval.own': ['name'],
  'approval.own-template': ['name'],
  /** The alert is not waiting for a decision (status: where it is now). */
  'approval.not-pending': ['name', 'status'],
  /** Pre-approval of a prepared alert: not by the one who asked; only a request that waits (and whose plan is unchanged). */
  'prepared.approval-own': ['name'],
  'prepared.approval-not-pending': ['name'],
  'template.in-use': ['id'],
  'template.no-content': ['name', 'channel'],
  /** Conversations: WhatsApp's 24-hour window after the person last wrote has closed (only an approved content template may go). */
  'conversation.whatsapp-window-closed': ['name'],
  /** Outside the window the chosen template has no WhatsApp content template to send. */
  'conversation.whatsapp-template-needed': ['template'],
  /** Nothing can be written back on this channel (a call). */
  'conversation.cannot-reply': ['channel'],
  /** Plan blockers. */
  'plan.step-without-content': ['step', 'channel', 'template'],
  'plan.missing-variables': ['count', 'example', 'variables'],
  'plan.nobody-reachable': [],
  'plan.no-provider': ['channels'],
  'plan.segment-missing': ['segment'],
  /** A WhatsApp step needs a content template WhatsApp approved (people outside the 24-hour window). */
  'plan.whatsapp-without-content': ['step', 'template'],
  /** approval: pending, rejected, unsubmitted, paused, disabled or missing (no longer at Twilio). */
  'plan.whatsapp-content-unapproved': ['step', 'template', 'content', 'approval'],
  /** Identity: nobody is signed in, or the console is locked (name: who locked it). */
  'auth.signed-out': [],
  'auth.locked': ['name'],
  /** The signed-in role may not call the method; `need` is the least role that may. */
  'auth.forbidden': ['role', 'need', 'method'],
  'auth.bad-credentials': ['remaining'],
  /** Too many failed tries: locked until `until` (ISO), or until an online sign-in when it is empty. */
  'auth.locked-out': ['until'],
  /** Offline, and this user has not signed in online on this desktop (or the verifier expired at `expired`). */
  'auth.offline-never': [],
  'auth.offline-expired': ['expired'],
  /** The relay refused, in its own (Swedish) words. */
  'auth.relay': ['message'],
  'auth.last-admin': [],
  'auth.accounts-exist': [],
  'auth.username-taken': ['username'],
  /** Users of a desktop joined to an organisation are managed at the organisation. */
  'auth.organisation-accounts': [],
  /** The organisation asks for the one-time code of the user's authenticator app. */
  'auth.totp-required': [],
  /** Managing the organisation needs an online sign-in (this one was offline, or has no relay session). */
  'auth.organisation-offline': [],
  /** The relay could not be reached (message: what failed). */
  'auth.relay-unreachable': ['message'],
  /** CAP import: not well-formed XML (line and column of the first error; 0 when unknown). */
  'cap.not-xml': ['line', 'column'],
  /** CAP import: a DOCTYPE or entity declaration (never expanded, never fetched). */
  'cap.markup-refused': [],
  /** CAP import: the document breaks a rule of cap.ts's table (rule: its code; path: where; value: what was written). */
  'cap.invalid': ['rule', 'path', 'value'],
  /** Another desktop's audio is not on this desktop and could not be fetched from the relay's media store (message: why). */
  'audio.unavailable': ['name', 'message'],
  /** The bytes the relay returned for an audio asset do not match its SHA-256: refused, not stored. */
  'audio.corrupt': ['name'],
  /** VMA underlag: points of the form still empty (missing: their names, comma-separated, in the form's order). */
  'vma.incomplete': ['missing'],
  /** AI assistance (ai.ts): turned off in the settings; no API key stored for the OpenAI API. */
  'ai.off': [],
  'ai.no-key': [],
  /** The month's token budget is used up (used and budget in tokens). */
  'ai.budget': ['used', 'budget'],
  /** The AI server could not be reached or failed (message: what failed), did not answer in time, or asked to slow down. */
  'ai.unreachable': ['message'],
  'ai.timeout': ['seconds'],
  'ai.rate-limited': [],
  /** The model refused, or its answer did not have the asked-for shape, twice. */
  'ai.refused': ['model'],
  'ai.malformed': ['model'],
} as const satisfies Record<string, readonly string[]>;

export type RefusalCode = keyof typeof refusalParams;
export const refusalCodes = Object.keys(refusalParams) as RefusalCode[];

/** What the engine refused, by code, with the values its words need. */
export interface Refusal {
  code: RefusalCode;
  params: Record<string, string | number>;
}

export const refusal = (code: RefusalCode, params: Record<string, string | number> = {}): Refusal => ({ code, params });
