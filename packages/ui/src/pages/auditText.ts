// Audit entries in the operator's language. The engine stores each entry's values by name
// (params) next to an English summary; the console phrases known actions from the values
// and falls back to the summary for entries written before values were stored, or for
// actions it does not know yet.
import { contactFieldLabels, type AuditAction, type AuditEntry, type HealthRule } from '@gdial/protocol';
import type { Language } from '../i18n';
import { roleWord } from '../components/labels';
import { ruleWords } from './health/healthWords';

type Params = Record<string, string | number>;
/** Actions phrased from their values; the others get a fixed heading (see headings). */
type Phrased = Exclude<AuditAction, 'connectivity.configure'>;
type Phrase = (p: Params, lang: Language) => string;

/** A health alert's title from its rule and subject; a rule this console does not know, as stored. */
const healthTitle = (p: Params, lang: Language): string => {
  const w = ruleWords[lang][p.rule as HealthRule] as (typeof ruleWords)['sv'][HealthRule] | undefined;
  return w ? w.title(String(p.subject ?? '')) : String(p.rule);
};

/** An ISO time as "2026-12-10 08:00 UTC" (the audit shows when an invitation runs out). */
const utc = (iso: string | number | undefined) => `${String(iso).slice(0, 16).replace('T', ' ')} UTC`;

const plural = (n: string | number, one: string, many: string) => `${n} ${Number(n) === 1 ? one : many}`;

/** Field names the engine lists for a changed contact or group. */
const fieldNames: Record<Language, Record<string, string>> = contactFieldLabels;

const fields = (p: Params, lang: Language): string => {
  const list = String(p.fields ?? '')
    .split(',')
    .filter(Boolean);
  if (list.length === 0) return lang === 'sv' ? 'inget ändrat' : 'no changes';
  return list.map((f) => fieldNames[lang][f] ?? f).join(', ');
};

const channels: Record<Language, Record<string, string>> = {
  sv: { voice: 'röstsamtal', sms: 'SMS', email: 'e-post', whatsapp: 'WhatsApp', telegram: 'Telegram' },
  en: { voice: 'voice calls', sms: 'SMS', email: 'e-mail', whatsapp: 'WhatsApp', telegram: 'Telegram' },
};
const channel = (p: Params, lang: Language) => channels[lang][String(p.channel)] ?? String(p.channel);

const via: Record<Language, Record<string, string>> = {
  sv: { relay: 'i organisationen', offline: 'utan nät', local: 'på datorn', host: 'av värden' },
  en: { relay: 'at the organisation', offline: 'offline', local: 'on this computer', host: 'by the host' },
};

const aiTaskWords: Record<Language, Record<string, string>> = {
  sv: { draft: 'larmtext', simplify: 'lättläst', translate: 'översättning', classify: 'sortera svar', summarise: 'sammanfatta svar' },
  en: { draft: 'alert text', simplify: 'easy Swedish', translate: 'translation', classify: 'sort replies', summarise: 'summarise replies' },
};
const aiTaskWord = (task: string | number | undefined, l: Language) => aiTaskWords[l][String(task)] ?? String(task);

const sv: Record<Phrased, Phrase> = {
  'contact.created': (p) => `Kontakt #${p.id} skapad`,
  'contact.updated': (p, l) =>
    p.file !== undefined
      ? `Kontakt #${p.id} uppdaterad från importen av ${p.file}, rad ${p.row}`
      : `Kontakt #${p.id} ändrad: ${fields(p, l)}`,
  'contacts.deleted': (p) => `${plural(p.count!, 'kontakt', 'kontakter')} borttagna: ${p.ids}`,
  'contacts.tagged': (p) => `Taggen ${p.tags} satt på ${plural(p.count!, 'kontakt', 'kontakter')}: ${p.ids}`,
  'contacts.untagged': (p) => `Taggen ${p.tags} borttagen från ${plural(p.count!, 'kontakt', 'kontakter')}: ${p.ids}`,
  'contacts.doNotContact': (p, l) =>
    `Spärr för ${channel(p, l)} ${p.set ? 'satt' : 'borttagen'} på ${plural(p.count!, 'kontakt', 'kontakter')}: ${p.ids}`,
  'contact.erased': (p) =>
    `Kontakt #${p.id} raderad på begäran (GDPR); ${plural(p.removed!, 'tidigare logghändelse', 'tidigare logghändelser')} om kontakten ${Number(p.removed) === 1 ? 'borttagen' : 'borttagna'}`,
  'contacts.imported': (p) =>
    `Import av ${p.file}, rad ${p.first}–${p.last}: ${p.created} skapade, ${p.updated} uppdaterade, ${p.skipped} hoppades över${Number(p.groups) > 0 ? `, ${plural(p.groups!, 'grupp', 'grupper')} skapade` : ''}`,
  'optOut.added': (p, l) => `Avregistrering från ${channel(p, l)} för ${p.address}`,
  'optOut.removed': (p, l) => `Avregistrering från ${channel(p, l)} hävd för ${p.address}`,
  'group.created': (p) => `Grupp ”${p.name}” skapad`,
  'group.updated': (p, l) => `Grupp ”${p.name}” ändrad: ${fields(p, l)}`,
  'group.deleted': (p) => `Grupp ”${p.name}” borttagen`,
  'group.membersAdded': (p) => `${plural(p.count!, 'kontakt', 'kontakter')} tillagda i ”${p.name}”: ${p.ids}`,
  'group.membersRemoved': (p) => `${plural(p.count!, 'kontakt', 'kontakter')} borttagna ur ”${p.name}”: ${p.ids}`,
  'campaign.create': (p) => `Larm ”${p.name}” skapat`,
  'campaign.update': (p) => `Larm ”${p.name}” ändrat`,
  'campaign.delete': (p) => `Larm ”${p.name}” borttaget`,
  'campaign.schedule': (p) =>
    `Larm ”${p.name}” schemalagt till ${new Date(String(p.at)).toLocaleString('sv-SE')}${p.cron ? ` (upprepas: ${p.cron})` : ''}`,
  'campaign.start': (p) =>
    `Larm ”${p.name}” startat${p.test ? ' i testläge' : ''}: ${plural(p.recipients!, 'mottagare', 'mottagare')}, ${plural(p.deliveries!, 'utskick', 'utskick')}`,
  'campaign.start-unapproved': (p) => `Larm ”${p.name}” startat med ej godkänd mall ${p.template}. Skäl: ${p.reason}`,
  'campaign.pause': (p) => `Larm ”${p.name}” pausat`,
  'campaign.resume': (p) => `Larm ”${p.name}” återupptaget`,
  'campaign.takeOver': (p) => `Larm ”${p.name}” övertaget från ${p.from} (som slutat svara)`,
  'sync.autoTakeOver': (p) => `Automatiskt övertagande av larm vars arbetsplats slutat svara ${p.enabled ? 'påslaget' : 'avslaget'}`,
  'campaign.submit-approval': (p) => `Larm ”${p.name}” (${p.recipients} mottagare) skickat för godkännande från ${p.desktop}`,
  'campaign.approve': (p) => `Larm ”${p.name}” (från ${p.requestedBy}) godkänt från ${p.desktop}${p.comment ? `: ${p.comment}` : ''}`,
  'campaign.reject': (p) => `Larm ”${p.name}” (från ${p.requestedBy}) avslaget från ${p.desktop}: ${p.comment}`,
  'campaign.override': (p) => `NÖDUNDANTAG: larm ”${p.name}” startat utan en andra operatör från ${p.desktop}. Skäl: ${p.reason}`,
  'campaigns.approvalRule': (p) =>
    `Tvåpersonsregeln: larm till fler än ${p.threshold} mottagare kräver godkännande; testgrupp ${p.testGroup === '' ? 'ingen' : p.testGroup}${p.authorApproves ? '; den som skriver en mall får godkänna den' : ''}`,
  'campaign.cancel': (p) =>
    `Larm ”${p.name}” avbrutet: ${plural(p.notSent!, 'utskick', 'utskick')} skickades inte, ${plural(p.hungUp!, 'samtal', 'samtal')} lades på${p.reason ? `. Skäl: ${p.reason}` : ''}`,
  'campaign.complete': (p) => `Larm ”${p.name}” slutfört`,
  'campaign.schedule-failed': (p) => `Schemalagd start av ”${p.name}” misslyckades: ${p.message}`,
  'campaign.skip-held': (p) =>
    `Larm ”${p.name}”: ${plural(p.count!, 'utskick', 'utskick')} som väntade på nät (${p.channel}) hoppades över`,
  'campaign.give-up': (p) =>
    `Larm ”${p.name}”: ${plural(p.count!, 'utskick', 'utskick')} (${p.channel}) skickades inte – inget nät på ${p.minutes} minuter`,
  'campaign.wave': (p) =>
    p.alerted
      ? `Larm ”${p.name}”: våg ${p.wave} larmad – ${p.confirmed} av ${p.recipients} hade bekräftat efter ${p.minutes} minuter; ${plural(p.count!, 'person', 'personer')} larmade`
      : `Larm ”${p.name}”: våg ${p.wave} behövdes inte – ${p.confirmed} av ${p.recipients} hade bekräftat efter ${p.minutes} minuter`,
  'inbox.handled': (p) => `${plural(p.count!, 'svar', 'svar')} markerade som hanterade`,
  'inbox.unhandled': (p) => `${plural(p.count!, 'svar', 'svar')} markerade som ohanterade`,
  'conversation.assigned': (p, l) => `Konversationen med ${p.person} (${channel(p, l)}) tilldelad ${p.name}`,
  'conversation.released': (p, l) => `Konversationen med ${p.person} (${channel(p, l)}) är inte längre tilldelad ${p.name}`,
  'conversation.replied': (p, l) => `Svar skickat till ${p.person} (${channel(p, l)})${p.template ? ` med mallen ”${p.template}”` : ''}`,
  'campaigns.priceTable': (p) => `Pristabellen ändrad (${p.currency})`,
  'preparedAlert.saved': (p) => `Larmmall ”${p.name}” sparad`,
  'preparedAlert.deleted': (p) => `Larmmall ”${p.name}” raderad`,
  'preparedAlert.approval-requested': (p) =>
    `Förhandsgodkännande av larmmall ”${p.name}” begärt från ${p.desktop} (${plural(p.count!, 'person', 'personer')} i mottagarlistan)`,
  'preparedAlert.approved': (p) =>
    `Larmmall ”${p.name}” (från ${p.requestedBy}) förhandsgodkänd från ${p.desktop} (${plural(p.count!, 'person', 'personer')})${p.comment ? `: ${p.comment}` : ''}`,
  'preparedAlert.rejected': (p) =>
    `Förhandsgodkännande av larmmall ”${p.name}” (från ${p.requestedBy}) avslaget från ${p.desktop}: ${p.comment}`,
  'preparedAlert.approval-voided': (p) => `Förhandsgodkännandet av larmmall ”${p.name}” gäller inte längre: planen ändrades`,
  'campaign.start-preapproved': (p) =>
    `Larm ”${p.name}” (${p.recipients} mottagare) startat utan nytt godkännande: larmmallen ”${p.prepared}” förhandsgodkändes av ${p.requestedBy} och ${p.approvedBy} ${String(p.at).slice(0, 10)} (${plural(p.count!, 'person', 'personer')} då)`,
  'segment.saved': (p) => `Urval ”${p.name}” sparat (${plural(p.rules!, 'regel', 'regler')})`,
  'segment.deleted': (p) => `Urval ”${p.name}” raderat`,
  'schedule.saved': (p) =>
    `Jourschema ”${p.name}” sparat (${plural(p.layers!, 'lager', 'lager')}, ${plural(p.overrides!, 'undantag', 'undantag')})`,
  'schedule.deleted': (p) => `Jourschema ”${p.name}” raderat`,
  'template.create': (p) => `Mall ”${p.name}” skapad`,
  'template.update': (p) => `Mall ”${p.name}” ändrad (åter till utkast)`,
  'template.approve': (p) => `Mall ${p.id} godkänd`,
  'template.delete': (p) => `Mall ${p.id} borttagen`,
  'voice.install': (p) => `Rösten ${p.name} installerad`,
  'voice.remove': (p) => `Rösten ${p.name} borttagen`,
  'voice.default': (p) => `Standardröst satt till ${p.name}`,
  'audio.record': (p) => `Röstmeddelande inspelat (${String(p.seconds).replace('.', ',')} s)`,
  'operator.set': (p) => `Operatör bytt från ${p.before || '(ingen)'} till ${p.name}`,
  'backup.created': (p) => `Säkerhetskopia gjord: ${p.name}`,
  'backup.restored': (p) => `Databasen återställd från säkerhetskopian ${p.name}`,
  'health.acknowledged': (p) => `Hälsolarm kvitterat: ${healthTitle(p, 'sv')}`,
  'health.thresholds': () => 'Gränserna för hälsolarm ändrade',
  'session.signIn': (p) =>
    `${p.username} loggade in (${via.sv[String(p.via)] ?? String(p.via)})${p.previous ? `, tog över efter ${p.previous}` : ''}`,
  'session.signInFailed': (p) => `Misslyckad inloggning som ${p.username}`,
  'session.lockout': (p) => `${p.username} låst efter ${p.count} misslyckade försök`,
  'session.lock': (p) => `Konsolen låst av ${p.username}`,
  'session.signOut': (p) => `${p.username} loggade ut`,
  'session.settings': (p) => `Lås efter ${p.lockAfterMinutes} min utan aktivitet; inloggning utan nät i ${p.offlineDays} dygn`,
  'user.created': (p) => `Användaren ${p.username} skapad (${roleWord(p.role, 'sv')})`,
  'user.roleChanged': (p) => `${p.username} bytte roll från ${roleWord(p.before, 'sv')} till ${roleWord(p.role, 'sv')}`,
  'user.removed': (p) => `Användaren ${p.username} borttagen från datorn`,
  'organisation.invited': (p) => `Inbjudan skapad som ${roleWord(p.role, 'sv')}, giltig till ${utc(p.expiresAt)}`,
  'organisation.userChanged': (p) =>
    `${p.username} ändrad i organisationen: ${roleWord(p.role, 'sv')}${p.disabled === 'true' ? ', avstängd' : p.disabled === 'false' ? ', aktiverad' : ''}`,
  'organisation.sessionRevoked': (p) => `Inloggningen för ${p.username} på ${p.device} avslutad`,
  'organisation.deviceRevoked': (p) => `Datorn ${p.device} spärrad i organisationen`,
  'session.invitationAccepted': (p) => `${p.username} tackade ja till en inbjudan (${roleWord(p.role, 'sv')})`,
  'cap.imported': (p) =>
    `CAP-meddelandet ${p.identifier} från ${p.sender} importerat som utkast ”${p.name}”${p.file ? ` (${p.file})` : ''}`,
  'contact.personalDataExported': (p) => `Personuppgifterna för kontakt #${p.id} exporterade`,
  'contacts.exported': (p) => `${p.count} kontakter exporterade som ${p.format === 'vcard' ? 'vCard' : 'CSV'}`,
  'campaign.reportExported': (p) => `Rapporten för ”${p.name}” exporterad som ${String(p.format).toUpperCase()}`,
  'campaign.confirmedByPhone': (p) => `Larm ”${p.name}”: ${p.person} bekräftad per telefon. Anteckning: ${p.note}`,
  'ai.used': (p) =>
    `AI (${aiTaskWord(p.task, 'sv')}) besvarad av ${p.model}: ${p.tokens} tokens${p.promptHash ? `, ${p.hidden} uppgifter ersatta före sändning` : ', inget användbart svar'}`,
  'ai.settingsChanged': (p) => `AI-stödet ${p.enabled === 1 ? 'påslaget' : 'avslaget'} (${p.server}, ${p.budget} tokens per månad)`,
  'vma.underlag': (p) =>
    `Underlag för VMA (${p.level === 'warning' ? 'varningsmeddelande' : 'informationsmeddelande'}) till SOS Alarm gjort för ${p.area}, begärt av ${p.requester}`,
};

const en: Record<Phrased, Phrase> = {
  'contact.created': (p) => `Created contact #${p.id}`,
  'contact.updated': (p, l) =>
    p.file !== undefined
      ? `Updated contact #${p.id} from the import of ${p.file}, row ${p.row}`
      : `Changed contact #${p.id}: ${fields(p, l)}`,
  'contacts.deleted': (p) => `Deleted ${plural(p.count!, 'contact', 'contacts')}: ${p.ids}`,
  'contacts.tagged': (p) => `Added tag ${p.tags} to ${plural(p.count!, 'contact', 'contacts')}: ${p.ids}`,
  'contacts.untagged': (p) => `Removed tag ${p.tags} from ${plural(p.count!, 'contact', 'contacts')}: ${p.ids}`,
  'contacts.doNotContact': (p, l) =>
    `${p.set ? 'Blocked' : 'Unblocked'} ${channel(p, l)} for ${plural(p.count!, 'contact', 'contacts')}: ${p.ids}`,
  'contact.erased': (p) =>
    `Contact #${p.id} erased on request (GDPR); ${plural(p.removed!, 'earlier audit entry', 'earlier audit entries')} about it removed`,
  'contacts.imported': (p) =>
    `Import of ${p.file}, rows ${p.first}–${p.last}: ${p.created} created, ${p.updated} updated, ${p.skipped} skipped${Number(p.groups) > 0 ? `, ${plural(p.groups!, 'group', 'groups')} created` : ''}`,
  'optOut.added': (p, l) => `Opted out of ${channel(p, l)}: ${p.address}`,
  'optOut.removed': (p, l) => `Opt-out of ${channel(p, l)} lifted: ${p.address}`,
  'group.created': (p) => `Created group “${p.name}”`,
  'group.updated': (p, l) => `Changed group “${p.name}”: ${fields(p, l)}`,
  'group.deleted': (p) => `Deleted group “${p.name}”`,
  'group.membersAdded': (p) => `Added ${plural(p.count!, 'contact', 'contacts')} to “${p.name}”: ${p.ids}`,
  'group.membersRemoved': (p) => `Removed ${plural(p.count!, 'contact', 'contacts')} from “${p.name}”: ${p.ids}`,
  'campaign.create': (p) => `Created alert “${p.name}”`,
  'campaign.update': (p) => `Changed alert “${p.name}”`,
  'campaign.delete': (p) => `Deleted alert “${p.name}”`,
  'campaign.schedule': (p) =>
    `Scheduled alert “${p.name}” for ${new Date(String(p.at)).toLocaleString('en-GB')}${p.cron ? ` (repeats: ${p.cron})` : ''}`,
  'campaign.start': (p) =>
    `Started alert “${p.name}”${p.test ? ' in test mode' : ''}: ${plural(p.recipients!, 'recipient', 'recipients')}, ${plural(p.deliveries!, 'message', 'messages')}`,
  'campaign.start-unapproved': (p) => `Started alert “${p.name}” with unapproved template ${p.template}. Reason: ${p.reason}`,
  'campaign.pause': (p) => `Paused alert “${p.name}”`,
  'campaign.resume': (p) => `Resumed alert “${p.name}”`,
  'campaign.takeOver': (p) => `Took alert “${p.name}” over from ${p.from} (which stopped answering)`,
  'sync.autoTakeOver': (p) => `Automatic take-over of alerts whose workstation stops answering turned ${p.enabled ? 'on' : 'off'}`,
  'campaign.submit-approval': (p) => `Alert “${p.name}” (${p.recipients} recipients) submitted for approval from ${p.desktop}`,
  'campaign.approve': (p) => `Alert “${p.name}” (from ${p.requestedBy}) approved from ${p.desktop}${p.comment ? `: ${p.comment}` : ''}`,
  'campaign.reject': (p) => `Alert “${p.name}” (from ${p.requestedBy}) rejected from ${p.desktop}: ${p.comment}`,
  'campaign.override': (p) =>
    `EMERGENCY OVERRIDE: alert “${p.name}” started without a second operator from ${p.desktop}. Reason: ${p.reason}`,
  'campaigns.approvalRule': (p) =>
    `Two-person rule: alerts to more than ${p.threshold} recipients need approval; test group ${p.testGroup === '' ? 'none' : p.testGroup}${p.authorApproves ? '; authors may approve their own templates' : ''}`,
  'campaign.cancel': (p) =>
    `Cancelled alert “${p.name}”: ${plural(p.notSent!, 'message', 'messages')} not sent, ${plural(p.hungUp!, 'call', 'calls')} hung up${p.reason ? `. Reason: ${p.reason}` : ''}`,
  'campaign.complete': (p) => `Alert “${p.name}” completed`,
  'campaign.schedule-failed': (p) => `Scheduled start of “${p.name}” failed: ${p.message}`,
  'campaign.skip-held': (p) => `Alert “${p.name}”: ${plural(p.count!, 'send', 'sends')} waiting for the network (${p.channel}) skipped`,
  'campaign.give-up': (p) =>
    `Alert “${p.name}”: ${plural(p.count!, 'send', 'sends')} (${p.channel}) not sent – no network for ${p.minutes} minutes`,
  'campaign.wave': (p) =>
    p.alerted
      ? `Alert “${p.name}”: wave ${p.wave} alerted – ${p.confirmed} of ${p.recipients} had confirmed after ${p.minutes} minutes; ${plural(p.count!, 'person', 'people')} alerted`
      : `Alert “${p.name}”: wave ${p.wave} not needed – ${p.confirmed} of ${p.recipients} had confirmed after ${p.minutes} minutes`,
  'inbox.handled': (p) => `Marked ${plural(p.count!, 'reply', 'replies')} handled`,
  'inbox.unhandled': (p) => `Marked ${plural(p.count!, 'reply', 'replies')} not handled`,
  'conversation.assigned': (p, l) => `Conversation with ${p.person} (${channel(p, l)}) assigned to ${p.name}`,
  'conversation.released': (p, l) => `Conversation with ${p.person} (${channel(p, l)}) no longer assigned to ${p.name}`,
  'conversation.replied': (p, l) =>
    `Answer sent to ${p.person} (${channel(p, l)})${p.template ? ` with the template “${p.template}”` : ''}`,
  'campaigns.priceTable': (p) => `Price table changed (${p.currency})`,
  'preparedAlert.saved': (p) => `Saved prepared alert “${p.name}”`,
  'preparedAlert.deleted': (p) => `Deleted prepared alert “${p.name}”`,
  'preparedAlert.approval-requested': (p) =>
    `Pre-approval of prepared alert “${p.name}” requested from ${p.desktop} (${p.count} ${p.count === 1 ? 'person' : 'people'} in its audience)`,
  'preparedAlert.approved': (p) =>
    `Prepared alert “${p.name}” (from ${p.requestedBy}) pre-approved from ${p.desktop} (${p.count} ${p.count === 1 ? 'person' : 'people'})${p.comment ? `: ${p.comment}` : ''}`,
  'preparedAlert.rejected': (p) =>
    `Pre-approval of prepared alert “${p.name}” (from ${p.requestedBy}) rejected from ${p.desktop}: ${p.comment}`,
  'preparedAlert.approval-voided': (p) => `The pre-approval of prepared alert “${p.name}” no longer holds: its plan was changed`,
  'campaign.start-preapproved': (p) =>
    `Alert “${p.name}” (${p.recipients} recipients) started without a new approval: prepared alert “${p.prepared}” was pre-approved by ${p.requestedBy} and ${p.approvedBy} on ${String(p.at).slice(0, 10)} (${p.count} ${p.count === 1 ? 'person' : 'people'} then)`,
  'segment.saved': (p) => `Saved segment “${p.name}” (${plural(p.rules!, 'rule', 'rules')})`,
  'segment.deleted': (p) => `Deleted segment “${p.name}”`,
  'schedule.saved': (p) =>
    `Saved on-call schedule “${p.name}” (${plural(p.layers!, 'layer', 'layers')}, ${plural(p.overrides!, 'override', 'overrides')})`,
  'schedule.deleted': (p) => `Deleted on-call schedule “${p.name}”`,
  'template.create': (p) => `Created template “${p.name}”`,
  'template.update': (p) => `Changed template “${p.name}” (back to draft)`,
  'template.approve': (p) => `Approved template ${p.id}`,
  'template.delete': (p) => `Deleted template ${p.id}`,
  'voice.install': (p) => `Installed voice ${p.name}`,
  'voice.remove': (p) => `Removed voice ${p.name}`,
  'voice.default': (p) => `Default voice set to ${p.name}`,
  'audio.record': (p) => `Recorded a voice message (${p.seconds} s)`,
  'operator.set': (p) => `Operator changed from ${p.before || '(none)'} to ${p.name}`,
  'backup.created': (p) => `Backup made: ${p.name}`,
  'backup.restored': (p) => `Database restored from the backup ${p.name}`,
  'health.acknowledged': (p) => `Health alert acknowledged: ${healthTitle(p, 'en')}`,
  'health.thresholds': () => 'Health alert thresholds changed',
  'session.signIn': (p) =>
    `${p.username} signed in (${via.en[String(p.via)] ?? String(p.via)})${p.previous ? `, taking over from ${p.previous}` : ''}`,
  'session.signInFailed': (p) => `Failed sign-in as ${p.username}`,
  'session.lockout': (p) => `${p.username} locked after ${p.count} failed tries`,
  'session.lock': (p) => `Console locked by ${p.username}`,
  'session.signOut': (p) => `${p.username} signed out`,
  'session.settings': (p) => `Lock after ${p.lockAfterMinutes} min without activity; offline sign-in for ${p.offlineDays} days`,
  'user.created': (p) => `User ${p.username} created (${roleWord(p.role, 'en')})`,
  'user.roleChanged': (p) => `${p.username} changed role from ${roleWord(p.before, 'en')} to ${roleWord(p.role, 'en')}`,
  'user.removed': (p) => `User ${p.username} removed from this computer`,
  'organisation.invited': (p) => `Invitation created as ${roleWord(p.role, 'en')}, valid until ${utc(p.expiresAt)}`,
  'organisation.userChanged': (p) =>
    `${p.username} changed at the organisation: ${roleWord(p.role, 'en')}${p.disabled === 'true' ? ', disabled' : p.disabled === 'false' ? ', enabled' : ''}`,
  'organisation.sessionRevoked': (p) => `Sign-in of ${p.username} on ${p.device} ended`,
  'organisation.deviceRevoked': (p) => `Computer ${p.device} revoked in the organisation`,
  'session.invitationAccepted': (p) => `${p.username} accepted an invitation (${roleWord(p.role, 'en')})`,
  'cap.imported': (p) => `CAP message ${p.identifier} from ${p.sender} imported as draft “${p.name}”${p.file ? ` (${p.file})` : ''}`,
  'contact.personalDataExported': (p) => `Personal data of contact #${p.id} exported`,
  'contacts.exported': (p) => `${p.count} contacts exported as ${p.format === 'vcard' ? 'vCard' : 'CSV'}`,
  'campaign.reportExported': (p) => `Report of “${p.name}” exported as ${String(p.format).toUpperCase()}`,
  'campaign.confirmedByPhone': (p) => `Alert “${p.name}”: ${p.person} confirmed by phone. Note: ${p.note}`,
  'ai.used': (p) =>
    `AI (${aiTaskWord(p.task, 'en')}) answered by ${p.model}: ${p.tokens} tokens${p.promptHash ? `, ${p.hidden} values replaced before sending` : ', no usable answer'}`,
  'ai.settingsChanged': (p) => `AI assistance turned ${p.enabled === 1 ? 'on' : 'off'} (${p.server}, ${p.budget} tokens per month)`,
  'vma.underlag': (p) =>
    `VMA underlag (${p.level === 'warning' ? 'warning' : 'information'} message) for SOS Alarm made for ${p.area}, requested by ${p.requester}`,
};

const phrases: Record<Language, Partial<Record<string, Phrase>>> = { sv, en };

/** Actions whose entries carry no values the console can phrase: a fixed heading instead. */
const headings: Record<Language, Record<Exclude<AuditAction, Phrased>, string> & Partial<Record<string, string>>> = {
  sv: { 'connectivity.configure': 'Leverantörer och relä ändrade' },
  en: { 'connectivity.configure': 'Providers and relay changed' },
};

export function auditText(
  entry: Pick<AuditEntry, 'action' | 'summary' | 'params'>,
  lang: Language,
): { text: string; detail: string | null } {
  const phrase = phrases[lang][entry.action];
  if (phrase && entry.params) return { text: phrase(entry.params, lang), detail: null };
  const heading = headings[lang][entry.action];
  // The engine's own words (English) as detail when the console has only a heading.
  if (heading) return { text: heading, detail: entry.summary };
  return { text: entry.summary, detail: null };
}

const subjects: Record<Language, Record<string, string>> = {
  sv: {
    contact: 'Kontakt',
    group: 'Grupp',
    campaign: 'Larm',
    template: 'Mall',
    voice: 'Röst',
    audio: 'Ljud',
    import: 'Import',
    optOut: 'Spärrlista',
    preparedAlert: 'Larmmall',
    segment: 'Urval',
    schedule: 'Jourschema',
    settings: 'Inställningar',
    operator: 'Operatör',
    inbox: 'Inkorg',
    connectivity: 'Anslutning',
    user: 'Användare',
    health: 'Hälsolarm',
    organisation: 'Organisation',
    vma: 'VMA-underlag',
  },
  en: {
    contact: 'Contact',
    group: 'Group',
    campaign: 'Alert',
    template: 'Template',
    voice: 'Voice',
    audio: 'Audio',
    import: 'Import',
    optOut: 'Opt-out list',
    preparedAlert: 'Prepared alert',
    segment: 'Segment',
    schedule: 'On-call schedule',
    settings: 'Settings',
    operator: 'Operator',
    inbox: 'Inbox',
    connectivity: 'Connectivity',
    vma: 'VMA underlag',
    user: 'User',
    health: 'Health alert',
    organisation: 'Organisation',
  },
};

/** "Kontakt #12": what the entry is about, named in the operator's language. */
export function auditSubject(entry: Pick<AuditEntry, 'subjectType' | 'subjectId'>, lang: Language): string {
  const name = subjects[lang][entry.subjectType] ?? entry.subjectType;
  // Ids that are numbers read as "#12"; others (an import's id, a settings key) are shown as they are.
  if (!entry.subjectId) return name;
  return /^\d+$/.test(entry.subjectId) ? `${name} #${entry.subjectId}` : `${name} ${entry.subjectId}`;
}

/** Entries the audit view marks in red: an alert started without a second operator (the emergency override). */
export const auditInRed = (action: string): boolean => action === 'campaign.override';

/** How a row of such an entry is marked, in the audit view and the report alike (with its text in the error colour, bold). */
export const redRowStyle = { boxShadow: 'inset 6px 0 0 var(--mantine-color-red-7)' } as const;
