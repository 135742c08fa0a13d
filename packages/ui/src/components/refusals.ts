// The engine's refusals in the operator's language: each code with the values it carries
// (see @gdial/protocol refusals.ts). A code this console does not know falls back to the
// engine's English message.
import { capRuleByCode, type Refusal, type RefusalCode } from '@gdial/protocol';
import type { Language } from '../i18n';
import { campaignStatusWords, channelWords, confirmedViaText, roleWord, vmaPointWords } from './labels';

type Params = Refusal['params'];
type Say = (p: Params) => string;

const things: Record<Language, Record<string, string>> = {
  sv: {
    Campaign: 'Larmet',
    Template: 'Mallen',
    Contact: 'Kontakten',
    Group: 'Gruppen',
    'Prepared alert': 'Larmmallen',
    'Health alert': 'Hälsolarmet',
    Recipient: 'Personen i larmet',
  },
  en: {
    Campaign: 'The alert',
    Template: 'The template',
    Contact: 'The contact',
    Group: 'The group',
    'Prepared alert': 'The prepared alert',
    'Health alert': 'The health alert',
    Recipient: 'The person in the alert',
  },
};

const actions: Record<Language, Record<string, string>> = {
  sv: {
    edit: 'ändras',
    delete: 'tas bort',
    start: 'startas',
    schedule: 'schemaläggas',
    submit: 'skickas för godkännande',
    pause: 'pausas',
    resume: 'fortsätta',
    cancel: 'avbrytas',
    due: 'starta enligt schemat',
    'schedule-failed': 'gå tillbaka till utkast',
    'schedule-ended': 'avslutas enligt schemat',
    finish: 'slutföras',
    approved: 'starta efter godkännande',
    'approved-schedule': 'schemaläggas efter godkännande',
    rejected: 'avslås',
  },
  en: {
    edit: 'be changed',
    delete: 'be deleted',
    start: 'be started',
    schedule: 'be scheduled',
    submit: 'be submitted for approval',
    pause: 'be paused',
    resume: 'be resumed',
    cancel: 'be cancelled',
    due: 'start on its schedule',
    'schedule-failed': 'go back to draft',
    'schedule-ended': 'end on its schedule',
    finish: 'be completed',
    approved: 'start after its approval',
    'approved-schedule': 'be scheduled after its approval',
    rejected: 'be rejected',
  },
};

const clock = (iso: string | number | undefined, lang: Language) =>
  new Date(String(iso)).toLocaleTimeString(lang === 'sv' ? 'sv-SE' : 'en-GB', { hour: '2-digit', minute: '2-digit' });

const day = (iso: string | number | undefined, lang: Language) =>
  new Date(String(iso)).toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });

const channel = (c: string | number | undefined, lang: Language) =>
  (channelWords[lang][String(c) as keyof (typeof channelWords)['sv']] ?? String(c)).toLowerCase();
const status = (s: string | number | undefined, lang: Language) =>
  (campaignStatusWords[lang][String(s) as keyof (typeof campaignStatusWords)['sv']] ?? String(s)).toLowerCase();

/** What WhatsApp said of a content template, as the end of a sentence ("…, men WhatsApp har inte godkänt den än"). */
const approvalWords: Record<Language, Record<string, string>> = {
  sv: {
    pending: 'inte godkänt den än (granskning pågår)',
    rejected: 'avslagit den',
    unsubmitted: 'inte fått den för granskning',
    paused: 'pausat den',
    disabled: 'stängt av den',
    missing: 'den inte längre (mallen finns inte kvar hos Twilio)',
  },
  en: {
    pending: 'has not approved it yet (under review)',
    rejected: 'rejected it',
    unsubmitted: 'has not been asked to review it',
    paused: 'paused it',
    disabled: 'disabled it',
    missing: 'no longer has it (the template is gone at Twilio)',
  },
};
const approval = (s: string | number | undefined, lang: Language) => approvalWords[lang][String(s)] ?? String(s);

/** Why an alert needs a second operator (protocol's approvalReasons, comma-separated), and where a decided one stands. */
const approvalNeedWords: Record<Language, Record<string, string>> = {
  sv: { 'head-count': 'går till fler mottagare än gränsen', vma: 'är markerat som skarpt VMA-underlag' },
  en: { 'head-count': 'goes to more recipients than the limit', vma: 'is flagged as a live VMA (public warning)' },
};
const needs = (r: string | number | undefined, lang: Language) =>
  String(r)
    .split(',')
    .filter(Boolean)
    .map((x) => approvalNeedWords[lang][x] ?? x)
    .join(lang === 'sv' ? ' och ' : ' and ');
const decisionWords: Record<Language, Record<string, string>> = {
  sv: { approved: 'redan godkänt', rejected: 'redan avslaget', overridden: 'redan startat med nödundantag' },
  en: { approved: 'already approved', rejected: 'already rejected', overridden: 'already started by an emergency override' },
};
const decided = (s: string | number | undefined, lang: Language) => decisionWords[lang][String(s)] ?? status(s, lang);

const words: Record<Language, Record<RefusalCode, Say>> = {
  sv: {
    'not-found': (p) =>
      `${things.sv[String(p.what)] ?? String(p.what)} (${p.id}) finns inte längre. Den kan ha tagits bort av någon annan; ladda om sidan.`,
    'campaign.transition': (p) =>
      `Larmet är ${status(p.status, 'sv')} och kan därför inte ${actions.sv[String(p.action)] ?? String(p.action)} nu.`,
    'campaign.blocked': (p) => `Larmet ”${p.name}” kan inte startas:`,
    'campaign.template-missing': (p) => `Mallen som larmet ”${p.name}” använder finns inte längre. Välj en annan mall.`,
    'campaign.template-unapproved': () =>
      'Mallen är inte godkänd. Godkänn den, eller ange ett skäl för att använda den ändå (skälet sparas i händelseloggen).',
    'campaign.no-future-run': () => 'Schemat har ingen kommande tidpunkt. Välj en tid som inte har passerat.',
    'campaign.nobody-waiting': (p) => `Larmet är ${status(p.status, 'sv')}; bara ett pågående eller pausat larm har personer som väntar.`,
    'campaign.remote': (p) => `Larmet sköts av ${p.owner}. Bara den arbetsplatsen kan ändra det; ta över larmet först om den inte svarar.`,
    'campaign.owner-alive': (p) =>
      `${p.owner} sköter fortfarande larmet och svarar; det kan tas över först när arbetsplatsen slutat svara.`,
    'campaign.take-over-offline': () => 'Larmet kan inte tas över utan kontakt med reläet. Försök igen när nätet är tillbaka.',
    'recipient.already-confirmed': (p) => `${p.name} har redan bekräftat${p.via ? ` (${confirmedViaText(String(p.via), 'sv')})` : ''}.`,
    'recipient.note-required': (p) => `Skriv en anteckning om samtalet innan du markerar ${p.name} som bekräftad per telefon.`,
    'approval.required': (p) =>
      `Larmet ”${p.name}” (${p.recipients} mottagare) ${needs(p.reasons, 'sv')} och måste godkännas av en annan larmoperatör. Skicka det för godkännande. Gränsen är ${p.threshold} mottagare.`,
    'approval.own': (p) => `Du skickade själv larmet ”${p.name}” för godkännande. En annan larmoperatör måste godkänna eller avslå det.`,
    'approval.own-template': (p) =>
      `Du skrev mallen ”${p.name}” och kan inte godkänna den själv. En annan larmoperatör måste godkänna den.`,
    'approval.not-pending': (p) => `Larmet ”${p.name}” väntar inte på godkännande (det är ${decided(p.status, 'sv')}).`,
    'prepared.approval-own': (p) =>
      `Du begärde själv förhandsgodkännandet av larmmallen ”${p.name}”. En annan larmoperatör måste godkänna eller avslå det.`,
    'prepared.approval-not-pending': (p) =>
      `Larmmallen ”${p.name}” väntar inte på förhandsgodkännande (den är redan godkänd eller avslagen, eller ändrades efter begäran). Begär godkännande på nytt.`,
    'template.in-use': () => 'Mallen används av ett larm som inte är avslutat. Byt mall i larmet först.',
    'template.no-content': (p) => `Mallen ”${p.name}” har inget innehåll för ${channel(p.channel, 'sv')}.`,
    'conversation.whatsapp-window-closed': (p) =>
      `Det har gått mer än 24 timmar sedan ${p.name} skrev på WhatsApp, så ett fritt svar går inte fram. Välj en mall med godkänd WhatsApp-mall.`,
    'conversation.whatsapp-template-needed': (p) =>
      `Mallen ”${p.template}” har ingen godkänd WhatsApp-mall och kan inte skickas när 24-timmarsfönstret har stängt.`,
    'conversation.cannot-reply': (p) => `Det går inte att svara via ${channel(p.channel, 'sv')} från konsolen.`,
    'plan.step-without-content': (p) =>
      `Steg ${p.step} skickar ${channel(p.channel, 'sv')}, men mallen ”${p.template}” har inget innehåll för ${channel(p.channel, 'sv')}.`,
    'plan.missing-variables': (p) =>
      `${p.count} mottagare saknar uppgifter som mallen använder (t.ex. ${p.example}: ${p.variables}). Lägg till ett reservvärde i mallen eller fyll i kontakterna.`,
    'plan.nobody-reachable': () => 'Ingen av mottagarna kan nås med den här planen.',
    'plan.no-provider': (p) => `Ingen leverantör är inställd för ${p.channels}. Ställ in den under Inställningar innan du startar.`,
    'plan.segment-missing': () => 'Ett sparat urval som larmet går till finns inte längre. Välj mottagare igen innan du startar.',
    'plan.whatsapp-without-content': (p) =>
      `Steg ${p.step} skickar WhatsApp, men mallen ”${p.template}” har ingen godkänd WhatsApp-mall. Den som inte har skrivit till er det senaste dygnet kan bara nås med en mall som WhatsApp har godkänt; välj en under Mallar → WhatsApp.`,
    'plan.whatsapp-content-unapproved': (p) =>
      `Steg ${p.step} skickar WhatsApp med mallen ”${p.content}” (i ”${p.template}”), men WhatsApp har ${approval(p.approval, 'sv')}. Välj en godkänd WhatsApp-mall under Mallar.`,
    'auth.signed-out': () => 'Ingen är inloggad. Logga in för att fortsätta.',
    'auth.locked': (p) => `Konsolen är låst (${p.name}). Logga in för att fortsätta.`,
    'auth.forbidden': (p) => `Din roll (${roleWord(p.role, 'sv')}) får inte göra detta; det kräver ${roleWord(p.need, 'sv')} eller högre.`,
    'auth.bad-credentials': (p) =>
      p.remaining === ''
        ? 'Fel användarnamn eller lösenord.'
        : `Fel användarnamn eller lösenord. ${p.remaining} försök kvar innan kontot låses.`,
    'auth.locked-out': (p) =>
      p.until === ''
        ? 'Kontot är låst efter för många felaktiga försök. Logga in när nätet är tillbaka för att låsa upp det.'
        : `Kontot är låst efter för många felaktiga försök. Försök igen efter ${clock(p.until, 'sv')}.`,
    'auth.offline-never': () =>
      'Ingen kontakt med organisationen, och du har inte loggat in på den här datorn tidigare. Logga in när nätet fungerar.',
    'auth.offline-expired': (p) =>
      `Ingen kontakt med organisationen, och tiden för inloggning utan nät gick ut ${day(p.expired, 'sv')}. Logga in när nätet fungerar.`,
    'auth.relay': (p) => `Organisationen svarar: ${p.message}`,
    'auth.last-admin': () => 'Den sista administratören kan inte byta roll eller tas bort. Gör någon annan till administratör först.',
    'auth.accounts-exist': () => 'Datorn har redan användare. Logga in.',
    'auth.username-taken': (p) => `Användarnamnet ${p.username} är upptaget.`,
    'auth.organisation-accounts': () =>
      'Datorn hör till en organisation; dess användare hanteras i organisationen (Inställningar → Användare).',
    'auth.totp-required': () => 'Organisationen kräver en engångskod. Ange de sex siffrorna från din autentiseringsapp.',
    'auth.organisation-offline': () =>
      'Att hantera organisationens användare och datorer kräver att du har loggat in med nät. Logga ut och logga in igen när nätet fungerar.',
    'auth.relay-unreachable': (p) => `Organisationens server går inte att nå (${p.message}). Försök igen när nätet fungerar.`,
    'audio.unavailable': (p) =>
      `Ljudet ”${p.name}” spelades in eller skapades på en annan dator och kunde inte hämtas från organisationens server (${p.message}). Försök igen när nätet fungerar.`,
    'audio.corrupt': (p) =>
      `Ljudet ”${p.name}” som organisationens server skickade stämmer inte med originalet (kontrollsumman SHA-256 skiljer sig). Det sparades inte och spelas inte upp. Be den som skapade ljudet att öppna GDial så att det laddas upp igen, eller spela in det på nytt.`,
    'cap.not-xml': (p) =>
      Number(p.line) > 0
        ? `Filen är inte giltig XML (fel på rad ${p.line}, tecken ${p.column}). Ett CAP-meddelande är en XML-fil.`
        : 'Filen är inte giltig XML. Ett CAP-meddelande är en XML-fil.',
    'cap.markup-refused': () =>
      'Filen innehåller en DOCTYPE- eller ENTITY-deklaration. Sådana tas inte emot i CAP-meddelanden av säkerhetsskäl.',
    'cap.invalid': (p) => capReason(p, 'sv'),
    'vma.incomplete': (p) => `Underlaget är inte komplett. Fyll i: ${vmaPoints(p.missing, 'sv')}.`,
    'ai.off': () =>
      'AI-stödet är avstängt. En administratör kan slå på det under Inställningar → AI-stöd. Allt annat fungerar som vanligt.',
    'ai.no-key': () => 'Ingen API-nyckel är sparad för OpenAI. En administratör lägger in den under Inställningar → AI-stöd.',
    'ai.budget': (p) =>
      `Månadens AI-budget är slut (${p.used} av ${p.budget} tokens). Skriv texten själv, eller be en administratör höja budgeten.`,
    'ai.unreachable': (p) =>
      `AI-servern gick inte att nå eller svarade med fel: ${p.message}. Skriv texten själv eller försök igen om en stund.`,
    'ai.timeout': (p) => `AI-servern svarade inte inom ${p.seconds} sekunder. Skriv texten själv eller försök igen.`,
    'ai.rate-limited': () => 'AI-servern ber oss vänta en stund (för många frågor). Försök igen om en minut.',
    'ai.refused': (p) => `Modellen ${p.model} ville inte svara, två gånger. Skriv texten själv.`,
    'ai.malformed': (p) => `Modellen ${p.model} gav två svar som inte gick att använda. Skriv texten själv eller prova en annan modell.`,
  },
  en: {
    'not-found': (p) =>
      `${things.en[String(p.what)] ?? String(p.what)} (${p.id}) no longer exists. Someone may have deleted it; reload the page.`,
    'campaign.transition': (p) =>
      `The alert is ${status(p.status, 'en')}, so it cannot ${actions.en[String(p.action)] ?? String(p.action)} now.`,
    'campaign.blocked': (p) => `The alert “${p.name}” cannot be started:`,
    'campaign.template-missing': (p) => `The template the alert “${p.name}” uses no longer exists. Choose another template.`,
    'campaign.template-unapproved': () =>
      'The template is not approved. Approve it, or give a reason for using it anyway (the reason goes into the audit log).',
    'campaign.no-future-run': () => 'The schedule has no time to come. Choose a time that has not passed.',
    'campaign.nobody-waiting': (p) => `The alert is ${status(p.status, 'en')}; only a running or paused alert has people waiting.`,
    'campaign.remote': (p) =>
      `The alert is run by ${p.owner}. Only that workstation can change it; take the alert over first if it does not answer.`,
    'campaign.owner-alive': (p) =>
      `${p.owner} still runs the alert and answers; it can be taken over only once that workstation stops answering.`,
    'campaign.take-over-offline': () => 'The alert cannot be taken over without the relay. Try again when the network is back.',
    'recipient.already-confirmed': (p) => `${p.name} has already confirmed${p.via ? ` (${confirmedViaText(String(p.via), 'en')})` : ''}.`,
    'recipient.note-required': (p) => `Write a note about the call before marking ${p.name} confirmed by phone.`,
    'approval.required': (p) =>
      `The alert “${p.name}” (${p.recipients} recipients) ${needs(p.reasons, 'en')} and must be approved by another alert operator. Submit it for approval. The limit is ${p.threshold} recipients.`,
    'approval.own': (p) => `You submitted the alert “${p.name}” yourself. Another alert operator must approve or reject it.`,
    'approval.own-template': (p) => `You wrote the template “${p.name}” and cannot approve it yourself. Another alert operator must.`,
    'approval.not-pending': (p) => `The alert “${p.name}” is not waiting for approval (it is ${decided(p.status, 'en')}).`,
    'prepared.approval-own': (p) =>
      `You asked for the pre-approval of the prepared alert “${p.name}” yourself. Another alert operator must approve or reject it.`,
    'prepared.approval-not-pending': (p) =>
      `The prepared alert “${p.name}” is not waiting for pre-approval (it is already decided, or it was changed after the request). Ask again.`,
    'template.in-use': () => 'The template is used by an alert that has not ended. Change the alert’s template first.',
    'template.no-content': (p) => `The template “${p.name}” has no ${channel(p.channel, 'en')} content.`,
    'conversation.whatsapp-window-closed': (p) =>
      `More than 24 hours have passed since ${p.name} wrote on WhatsApp, so a free-form answer cannot be delivered. Choose a template with an approved WhatsApp template.`,
    'conversation.whatsapp-template-needed': (p) =>
      `The template “${p.template}” has no approved WhatsApp template and cannot be sent once the 24-hour window has closed.`,
    'conversation.cannot-reply': (p) => `Answers cannot be sent by ${channel(p.channel, 'en')} from the console.`,
    'plan.step-without-content': (p) =>
      `Step ${p.step} sends ${channel(p.channel, 'en')}, but the template “${p.template}” has no ${channel(p.channel, 'en')} content.`,
    'plan.missing-variables': (p) =>
      `${p.count} recipients lack values the template uses (e.g. ${p.example}: ${p.variables}). Add a fallback to the template or fill in the contacts.`,
    'plan.nobody-reachable': () => 'Nobody in the audience can be reached by this plan.',
    'plan.no-provider': (p) => `No provider is set up for ${p.channels}. Set it up under Settings before starting.`,
    'plan.segment-missing': () => 'A saved segment the alert goes to no longer exists. Choose the audience again before starting.',
    'plan.whatsapp-without-content': (p) =>
      `Step ${p.step} sends WhatsApp, but the template “${p.template}” has no approved WhatsApp template. People who have not written to you in the last 24 hours can only be reached with a template WhatsApp approved; choose one under Templates → WhatsApp.`,
    'plan.whatsapp-content-unapproved': (p) =>
      `Step ${p.step} sends WhatsApp with the template “${p.content}” (in “${p.template}”), but WhatsApp ${approval(p.approval, 'en')}. Choose an approved WhatsApp template under Templates.`,
    'auth.signed-out': () => 'Nobody is signed in. Sign in to go on.',
    'auth.locked': (p) => `The console is locked (${p.name}). Sign in to go on.`,
    'auth.forbidden': (p) => `Your role (${roleWord(p.role, 'en')}) may not do this; it needs ${roleWord(p.need, 'en')} or higher.`,
    'auth.bad-credentials': (p) =>
      p.remaining === ''
        ? 'Wrong username or password.'
        : `Wrong username or password. ${p.remaining} tries left before the account is locked.`,
    'auth.locked-out': (p) =>
      p.until === ''
        ? 'The account is locked after too many failed tries. Sign in when the network is back to unlock it.'
        : `The account is locked after too many failed tries. Try again after ${clock(p.until, 'en')}.`,
    'auth.offline-never': () =>
      'No contact with the organisation, and you have not signed in on this computer before. Sign in when the network works.',
    'auth.offline-expired': (p) =>
      `No contact with the organisation, and the time for signing in without a network ran out on ${day(p.expired, 'en')}. Sign in when the network works.`,
    'auth.relay': (p) => `The organisation answers (in Swedish): ${p.message}`,
    'auth.last-admin': () => 'The last administrator cannot change role or be removed. Make someone else an administrator first.',
    'auth.accounts-exist': () => 'This computer already has users. Sign in.',
    'auth.username-taken': (p) => `The username ${p.username} is taken.`,
    'auth.organisation-accounts': () => 'This computer belongs to an organisation; its users are managed there (Settings → Users).',
    'auth.totp-required': () => 'The organisation asks for a one-time code. Enter the six digits from your authenticator app.',
    'auth.organisation-offline': () =>
      "Managing the organisation's users and computers needs a sign-in with a network. Sign out and sign in again when the network works.",
    'auth.relay-unreachable': (p) => `The organisation's server cannot be reached (${p.message}). Try again when the network works.`,
    'audio.unavailable': (p) =>
      `The audio “${p.name}” was recorded or made on another workstation and could not be fetched from the organisation's server (${p.message}). Try again when the network works.`,
    'audio.corrupt': (p) =>
      `The audio “${p.name}” the organisation's server sent does not match the original (its SHA-256 checksum differs). It was not stored and is not played. Ask whoever made it to open GDial so that it is uploaded again, or record it anew.`,
    'cap.not-xml': (p) =>
      Number(p.line) > 0
        ? `The file is not valid XML (error on line ${p.line}, character ${p.column}). A CAP message is an XML file.`
        : 'The file is not valid XML. A CAP message is an XML file.',
    'cap.markup-refused': () => 'The file holds a DOCTYPE or ENTITY declaration. For safety these are not accepted in CAP messages.',
    'cap.invalid': (p) => capReason(p, 'en'),
    'vma.incomplete': (p) => `The underlag is not complete. Fill in: ${vmaPoints(p.missing, 'en')}.`,
    'ai.off': () =>
      'AI assistance is turned off. An administrator can turn it on under Settings → AI assistance. Everything else works as usual.',
    'ai.no-key': () => 'No API key is stored for OpenAI. An administrator enters it under Settings → AI assistance.',
    'ai.budget': (p) =>
      `The month's AI budget is used up (${p.used} of ${p.budget} tokens). Write the text yourself, or ask an administrator to raise the budget.`,
    'ai.unreachable': (p) =>
      `The AI server could not be reached or answered with an error: ${p.message}. Write the text yourself or try again shortly.`,
    'ai.timeout': (p) => `The AI server did not answer within ${p.seconds} seconds. Write the text yourself or try again.`,
    'ai.rate-limited': () => 'The AI server asks us to wait (too many requests). Try again in a minute.',
    'ai.refused': (p) => `The model ${p.model} would not answer, twice. Write the text yourself.`,
    'ai.malformed': (p) => `The model ${p.model} gave two answers that could not be used. Write the text yourself or try another model.`,
  },
};

/** A broken CAP rule in the rule table's own words, with where and what was written. */
function capReason(p: Params, lang: Language): string {
  const rule = capRuleByCode(String(p.rule));
  const reason = rule ? rule[lang] : String(p.rule);
  const value = String(p.value ?? '');
  if (lang === 'sv') return `CAP-meddelandet: ${reason} (vid ${p.path}${value ? `: ”${value}”` : ''}).`;
  return `The CAP message: ${reason} (at ${p.path}${value ? `: “${value}”` : ''}).`;
}

const vmaPoints = (missing: string | number | undefined, lang: Language): string =>
  String(missing ?? '')
    .split(',')
    .filter(Boolean)
    .map((m) => vmaPointWords[lang][m as keyof (typeof vmaPointWords)['sv']] ?? m)
    .join(', ');

/** A refusal in the operator's language, or null for a code this console does not know. */
export function refusalText(r: Refusal, language: Language): string | null {
  const say = (words[language] as Partial<Record<string, Say>>)[r.code];
  return say ? say(r.params) : null;
}
