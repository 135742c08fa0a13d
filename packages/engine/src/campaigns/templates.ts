// Message templates: the variables they may use, validation at save (unknown variables
// are rejected naming where they occur), rendering for one contact with fallbacks or a
// list of what is missing, the e-mail unsubscribe footer, and the template writes
// (validated here, stored by ../store/templates).
import {
  refusal,
  channels as allChannels,
  smsSegments,
  templateFieldsSchema,
  templateVariables,
  type Channel,
  type ContactLanguage,
  type FieldIssue,
  type RenderedMessage,
  type Template,
  type TemplateContent,
  type TemplateFields,
} from '@gdial/protocol';
import type { Reader, Tx } from '../store/db';
import { templateInUse } from '../store/campaigns';
import * as store from '../store/templates';
import { getTemplate, type TemplateData, type TemplateValues } from '../store/templates';
import { DomainError, invalid, notFound } from '../errors';
import { UNSUBSCRIBE_URL_TAG } from '../providers/sendgrid';

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const CUSTOM = /^custom\.[\p{L}\p{N}_ .-]{1,64}$/u;
const known = new Set<string>(templateVariables);

export const isKnownVariable = (name: string): boolean => known.has(name) || CUSTOM.test(name);

/** Every variable a text uses, in order of first appearance. */
export function variablesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VARIABLE)) {
    const name = (m[1] ?? '').trim();
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** The texts of a content block with the field path each sits at. */
function textsOf(content: TemplateContent): { path: string; text: string; channel: Channel }[] {
  const out: { path: string; text: string; channel: Channel }[] = [];
  if (content.sms !== undefined) out.push({ path: 'sms', text: content.sms, channel: 'sms' });
  if (content.whatsapp !== undefined) out.push({ path: 'whatsapp', text: content.whatsapp, channel: 'whatsapp' });
  for (const [n, text] of Object.entries(content.whatsappContent?.variables ?? {}))
    out.push({ path: `whatsappContent.variables.${n}`, text, channel: 'whatsapp' });
  if (content.telegram !== undefined) out.push({ path: 'telegram', text: content.telegram, channel: 'telegram' });
  if (content.email) {
    out.push({ path: 'email.subject', text: content.email.subject, channel: 'email' });
    out.push({ path: 'email.html', text: content.email.html, channel: 'email' });
    out.push({ path: 'email.text', text: content.email.text, channel: 'email' });
  }
  if (content.voice?.kind === 'tts') out.push({ path: 'voice.script', text: content.voice.script, channel: 'voice' });
  return out;
}

/** Validates a template's fields; returns the parsed value or throws VALIDATION naming each problem. */
export function validateTemplate(input: TemplateFields): ReturnType<typeof templateFieldsSchema.parse> {
  const fields = templateFieldsSchema.parse(input);
  const issues: FieldIssue[] = [];
  for (const lang of ['sv', 'en'] as const) {
    const content = fields.variants[lang];
    if (!content) continue;
    for (const t of textsOf(content)) {
      for (const v of variablesIn(t.text)) {
        if (!isKnownVariable(v)) {
          issues.push({
            path: `variants.${lang}.${t.path}`,
            message: `Unknown variable {{${v}}}; use one of ${templateVariables.join(', ')} or custom.<field>`,
          });
        }
      }
    }
  }
  for (const key of Object.keys(fields.fallbacks)) {
    if (!isKnownVariable(key)) issues.push({ path: `fallbacks.${key}`, message: `Fallback for unknown variable ${key}` });
  }
  if (issues.length) throw invalid(issues);
  return fields;
}

/** What the variables of a contact resolve to. */
export interface VariableSource {
  /** The contact (absent for a sample that is nobody). */
  id?: number;
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  organisation: string | null;
  role: string | null;
  customFields: Record<string, string | number | boolean | null>;
}

export interface RenderContext {
  campaignName: string;
  operator: string;
  now: Date;
  /** The contact's one-time t.me link to the alerting bot; null when there is none (no bot known). */
  telegramLink?: (contactId: number) => string | null;
}

function valueOf(name: string, who: VariableSource, ctx: RenderContext): string | null {
  const nonEmpty = (s: string | null | undefined) => (s == null || s.trim() === '' ? null : s);
  if (name.startsWith('custom.')) {
    const v = who.customFields[name.slice('custom.'.length)];
    return v === null || v === undefined || v === '' ? null : String(v);
  }
  switch (name) {
    case 'first_name':
      return nonEmpty(who.firstName);
    case 'last_name':
      return nonEmpty(who.lastName);
    case 'display_name':
      return nonEmpty(who.displayName);
    case 'organisation':
      return nonEmpty(who.organisation);
    case 'role':
      return nonEmpty(who.role);
    case 'campaign_name':
      return ctx.campaignName;
    case 'operator':
      return ctx.operator;
    case 'date':
      return ctx.now.toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
    case 'time':
      return ctx.now.toLocaleTimeString('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit' });
    case 'telegram_link':
      return who.id === undefined ? null : (ctx.telegramLink?.(who.id) ?? null);
    default:
      return null;
  }
}

export interface FillResult {
  text: string;
  usedFallbacks: string[];
  missing: string[];
}

/** Substitutes variables; `escape` is applied to values (HTML bodies). */
export function fill(
  text: string,
  who: VariableSource,
  fallbacks: Record<string, string>,
  ctx: RenderContext,
  escape: (s: string) => string = (s) => s,
): FillResult {
  const usedFallbacks: string[] = [];
  const missing: string[] = [];
  const out = text.replace(VARIABLE, (_m, raw: string) => {
    const name = raw.trim();
    const v = valueOf(name, who, ctx);
    if (v !== null) return escape(v);
    const fb = fallbacks[name];
    if (fb !== undefined) {
      if (!usedFallbacks.includes(name)) usedFallbacks.push(name);
      return escape(fb);
    }
    if (!missing.includes(name)) missing.push(name);
    return '';
  });
  return { text: out, usedFallbacks, missing };
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Placeholder the e-mail provider replaces with the unsubscribe link of the delivery. */
export const UNSUBSCRIBE_URL_PLACEHOLDER = UNSUBSCRIBE_URL_TAG;

const footer = {
  sv: {
    text: `\n\n--\nVill du inte få fler meddelanden via e-post? Avregistrera dig: ${UNSUBSCRIBE_URL_PLACEHOLDER}`,
    link: 'Avregistrera dig',
  },
  en: { text: `\n\n--\nDon't want more messages by e-mail? Unsubscribe: ${UNSUBSCRIBE_URL_PLACEHOLDER}`, link: 'Unsubscribe' },
} as const;

export type { TemplateData } from '../store/templates';

/** The variant for a contact's language: their own if present, else the other one. */
export function variantFor(
  t: TemplateData,
  language: ContactLanguage,
  channel: Channel,
): { language: ContactLanguage; content: TemplateContent } | null {
  const order: ContactLanguage[] = language === 'en' ? ['en', 'sv'] : ['sv', 'en'];
  for (const l of order) {
    const c = t.variants[l];
    if (c && hasChannel(c, channel)) return { language: l, content: c };
  }
  return null;
}

export function hasChannel(c: TemplateContent, channel: Channel): boolean {
  switch (channel) {
    case 'sms':
      return c.sms !== undefined;
    case 'email':
      return c.email !== undefined;
    case 'voice':
      return c.voice !== undefined;
    case 'whatsapp':
      return c.whatsapp !== undefined || c.whatsappContent !== undefined;
    case 'telegram':
      return c.telegram !== undefined;
    default: {
      const never: never = channel;
      throw new Error(`unknown channel ${String(never)}`);
    }
  }
}

/** Renders the message a contact gets on a channel. Null when the template has no content for it. */
export function renderMessage(
  t: TemplateData,
  channel: Channel,
  language: ContactLanguage,
  who: VariableSource,
  ctx: RenderContext,
): RenderedMessage | null {
  const v = variantFor(t, language, channel);
  if (!v) return null;
  const c = v.content;
  const fb = t.fallbacks;
  const used = new Set<string>();
  const missing = new Set<string>();
  const take = (r: FillResult) => {
    r.usedFallbacks.forEach((x) => used.add(x));
    r.missing.forEach((x) => missing.add(x));
    return r.text;
  };
  let text: string | null = null;
  let subject: string | null = null;
  let html: string | null = null;
  let audioId: string | null = null;
  switch (channel) {
    case 'sms':
      text = take(fill(c.sms ?? '', who, fb, ctx));
      break;
    case 'whatsapp':
      // Only the free-form text; the content template's variables are renderWhatsAppContent's.
      text = c.whatsapp !== undefined ? take(fill(c.whatsapp, who, fb, ctx)) : null;
      break;
    case 'telegram':
      text = take(fill(c.telegram ?? '', who, fb, ctx));
      break;
    case 'email': {
      const e = c.email!;
      const f = footer[v.language];
      subject = take(fill(e.subject, who, fb, ctx));
      text = take(fill(e.text, who, fb, ctx)) + f.text;
      const bodyHtml =
        e.html.trim() === '' ? `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>` : take(fill(e.html, who, fb, ctx, escapeHtml));
      html = `${bodyHtml}\n<hr><p style="font-size:12px;color:#666"><a href="${UNSUBSCRIBE_URL_PLACEHOLDER}">${f.link}</a></p>`;
      break;
    }
    case 'voice':
      if (c.voice?.kind === 'tts') text = take(fill(c.voice.script, who, fb, ctx));
      else if (c.voice?.kind === 'audio') audioId = c.voice.audioId;
      break;
    default: {
      const never: never = channel;
      throw new Error(`unknown channel ${String(never)}`);
    }
  }
  let sms: RenderedMessage['sms'] = null;
  if ((channel === 'sms' || channel === 'whatsapp') && text !== null) {
    const info = smsSegments(text);
    sms = { encoding: info.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2', segments: info.segments, characters: [...text].length };
  }
  return { channel, language: v.language, text, subject, html, audioId, usedFallbacks: [...used], missing: [...missing], sms };
}

/**
 * The approved WhatsApp content template a contact gets outside the 24-hour window, with its
 * numbered variables filled for them; null when the variant has none. Missing values are
 * listed like a text's.
 */
export function renderWhatsAppContent(
  t: TemplateData,
  language: ContactLanguage,
  who: VariableSource,
  ctx: RenderContext,
): { contentSid: string; variables: Record<string, string>; missing: string[] } | null {
  const bound = variantFor(t, language, 'whatsapp')?.content.whatsappContent;
  if (!bound) return null;
  const variables: Record<string, string> = {};
  const missing = new Set<string>();
  for (const [n, text] of Object.entries(bound.variables)) {
    const r = fill(text, who, t.fallbacks, ctx);
    r.missing.forEach((m) => missing.add(m));
    variables[n] = r.text;
  }
  return { contentSid: bound.contentSid, variables, missing: [...missing] };
}

/** The voice a template's typed voice message in this language is spoken with; null: the default. */
export function templateVoiceId(t: Pick<TemplateData, 'variants'>, language: 'sv' | 'en'): string | null {
  const voice = t.variants[language]?.voice;
  return voice?.kind === 'tts' ? (voice.voiceId ?? null) : null;
}

// ── repository ──────────────────────────────────────────────────────────────────────────

export function loadTemplate(r: Reader, id: number): TemplateData | null {
  return getTemplate(r, id);
}

/** The contract's Template: the stored template with the variables it uses and the channels it has. */
export function templateToDto(r: Reader, id: number): Template {
  const t = getTemplate(r, id);
  if (!t) throw notFound('Template', id);
  const vars = new Set<string>();
  const chans = new Set<Channel>();
  for (const lang of ['sv', 'en'] as const) {
    const c = t.variants[lang];
    if (!c) continue;
    for (const x of textsOf(c)) variablesIn(x.text).forEach((v) => vars.add(v));
    for (const ch of allChannels) if (hasChannel(c, ch)) chans.add(ch);
  }
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    variants: t.variants,
    fallbacks: t.fallbacks,
    status: t.status,
    approvedBy: t.approvedBy,
    approvedAt: t.approvedAt,
    variables: [...vars],
    channels: allChannels.filter((c) => chans.has(c)),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

const valuesOf = (input: TemplateFields): TemplateValues => {
  const f = validateTemplate(input);
  return { name: f.name, description: f.description ?? null, fallbacks: f.fallbacks, variants: f.variants };
};

export function createTemplate(tx: Tx, input: TemplateFields): number {
  return store.insertTemplate(tx, valuesOf(input));
}

/** Any edit returns the template to draft: what was approved is no longer what would be sent. */
export function updateTemplate(tx: Tx, id: number, input: TemplateFields): void {
  if (!store.updateTemplate(tx, id, valuesOf(input), new Date().toISOString())) throw notFound('Template', id);
}

export function approveTemplate(tx: Tx, id: number, by: string): void {
  if (!store.approveTemplate(tx, id, by, new Date().toISOString())) throw notFound('Template', id);
}

/** A template a campaign that may still send uses cannot be deleted. */
export function deleteTemplate(tx: Tx, id: number): void {
  if (templateInUse(tx, id))
    throw new DomainError(
      'CONFLICT',
      `Template ${id} is used by a campaign; change the campaign first`,
      undefined,
      refusal('template.in-use', { id }),
    );
  if (!store.deleteTemplate(tx, id)) throw notFound('Template', id);
}
