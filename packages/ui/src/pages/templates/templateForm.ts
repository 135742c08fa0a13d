// The template editor's form state and its translation to and from the contract: one
// set of fields per language, empty fields meaning "this channel is not used", and the
// variable helpers (insert at the cursor, list what a text uses, sample values for
// listening to a script before any contact is chosen).
import {
  templateVariablePattern,
  type Channel,
  type Template,
  type TemplateContent,
  type TemplateFields,
  type WhatsAppContent,
} from '@gdial/protocol';

export type VoiceMode = 'none' | 'tts' | 'audio';

export interface VariantForm {
  sms: string;
  emailSubject: string;
  emailText: string;
  voiceMode: VoiceMode;
  voiceScript: string;
  /** Empty: the default voice. */
  voiceId: string;
  audioId: string;
  whatsapp: string;
  /** The approved WhatsApp content template for people outside the 24-hour window. */
  whatsappContent: WhatsAppContent | null;
  telegram: string;
}

export interface TemplateForm {
  name: string;
  description: string;
  sv: VariantForm;
  en: VariantForm;
  fallbacks: Record<string, string>;
}

export const emptyVariant = (): VariantForm => ({
  sms: '',
  emailSubject: '',
  emailText: '',
  voiceMode: 'none',
  voiceScript: '',
  voiceId: '',
  audioId: '',
  whatsapp: '',
  whatsappContent: null,
  telegram: '',
});

export const emptyForm = (): TemplateForm => ({ name: '', description: '', sv: emptyVariant(), en: emptyVariant(), fallbacks: {} });

function variantFromContent(c: TemplateContent | undefined): VariantForm {
  const v = emptyVariant();
  if (!c) return v;
  v.sms = c.sms ?? '';
  v.emailSubject = c.email?.subject ?? '';
  v.emailText = c.email?.text ?? '';
  v.whatsapp = c.whatsapp ?? '';
  v.whatsappContent = c.whatsappContent ?? null;
  v.telegram = c.telegram ?? '';
  if (c.voice?.kind === 'tts') {
    v.voiceMode = 'tts';
    v.voiceScript = c.voice.script;
    v.voiceId = c.voice.voiceId ?? '';
  } else if (c.voice?.kind === 'audio') {
    v.voiceMode = 'audio';
    v.audioId = c.voice.audioId;
  }
  return v;
}

export function formFromTemplate(t: Template): TemplateForm {
  return {
    name: t.name,
    description: t.description ?? '',
    sv: variantFromContent(t.variants.sv),
    en: variantFromContent(t.variants.en),
    fallbacks: { ...t.fallbacks },
  };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The e-mail's HTML part from its plain text: paragraphs on blank lines, line breaks kept. */
export function htmlFromText(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

export function contentFromVariant(v: VariantForm): TemplateContent | undefined {
  const c: TemplateContent = {};
  if (v.sms.trim()) c.sms = v.sms;
  if (v.emailSubject.trim() || v.emailText.trim())
    c.email = { subject: v.emailSubject, text: v.emailText, html: htmlFromText(v.emailText) };
  if (v.voiceMode === 'tts' && v.voiceScript.trim())
    c.voice = { kind: 'tts', script: v.voiceScript, ...(v.voiceId ? { voiceId: v.voiceId } : {}) };
  if (v.voiceMode === 'audio' && v.audioId) c.voice = { kind: 'audio', audioId: v.audioId };
  if (v.whatsapp.trim()) c.whatsapp = v.whatsapp;
  if (v.whatsappContent) c.whatsappContent = v.whatsappContent;
  if (v.telegram.trim()) c.telegram = v.telegram;
  return Object.keys(c).length > 0 ? c : undefined;
}

export function fieldsFromForm(f: TemplateForm): TemplateFields {
  const sv = contentFromVariant(f.sv);
  const en = contentFromVariant(f.en);
  const used = new Set(usedVariablesInForm(f));
  // Fallbacks for variables no longer in the text are dropped rather than kept invisibly.
  const fallbacks = Object.fromEntries(Object.entries(f.fallbacks).filter(([k, v]) => used.has(k) && v.trim() !== ''));
  return {
    name: f.name,
    description: f.description.trim() ? f.description : null,
    variants: { ...(sv ? { sv } : {}), ...(en ? { en } : {}) },
    fallbacks,
  };
}

export function channelsOfVariant(v: VariantForm): Channel[] {
  const c = contentFromVariant(v);
  if (!c) return [];
  const out: Channel[] = [];
  if (c.voice) out.push('voice');
  if (c.sms) out.push('sms');
  if (c.email) out.push('email');
  if (c.whatsapp || c.whatsappContent) out.push('whatsapp');
  if (c.telegram) out.push('telegram');
  return out;
}

/** Variable names a text uses, in order of first use ("first_name", "custom.unit"). */
export function usedVariables(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(new RegExp(templateVariablePattern.source, 'g'))) {
    const name = m[1]!.trim();
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

export function usedVariablesInForm(f: TemplateForm): string[] {
  const texts = [f.sv, f.en].flatMap((v) => [
    v.sms,
    v.emailSubject,
    v.emailText,
    v.voiceMode === 'tts' ? v.voiceScript : '',
    v.whatsapp,
    ...Object.values(v.whatsappContent?.variables ?? {}),
    v.telegram,
  ]);
  const out: string[] = [];
  for (const text of texts) for (const name of usedVariables(text)) if (!out.includes(name)) out.push(name);
  return out;
}

/** Puts `{{name}}` in place of the selection; returns the new text and where the cursor goes. */
export function insertVariable(text: string, selectionStart: number, selectionEnd: number, name: string): { text: string; cursor: number } {
  const start = Math.max(0, Math.min(selectionStart, text.length));
  const end = Math.max(start, Math.min(selectionEnd, text.length));
  const token = `{{${name}}}`;
  return { text: text.slice(0, start) + token + text.slice(end), cursor: start + token.length };
}

const samples: Record<string, Record<'sv' | 'en', string>> = {
  first_name: { sv: 'Anna', en: 'Anna' },
  last_name: { sv: 'Lindqvist', en: 'Lindqvist' },
  display_name: { sv: 'Anna Lindqvist', en: 'Anna Lindqvist' },
  organisation: { sv: 'Räddningstjänsten', en: 'the Rescue Service' },
  role: { sv: 'brandman', en: 'firefighter' },
  campaign_name: { sv: 'Larm', en: 'Alert' },
  operator: { sv: 'Ledningscentralen', en: 'the control room' },
  telegram_link: { sv: 'https://t.me/larmboten?start=…', en: 'https://t.me/alertbot?start=…' },
};

/**
 * The script with every variable filled, for listening before a contact is chosen: the
 * template's fallback, else an invented example value, else the date/time of now.
 */
export function fillWithSamples(text: string, fallbacks: Record<string, string>, language: 'sv' | 'en', now = new Date()): string {
  const locale = language === 'sv' ? 'sv-SE' : 'en-GB';
  return text.replace(new RegExp(templateVariablePattern.source, 'g'), (_m, raw: string) => {
    const name = raw.trim();
    const fallback = fallbacks[name];
    if (fallback) return fallback;
    if (name === 'date') return now.toLocaleDateString(locale, { day: 'numeric', month: 'long' });
    if (name === 'time') return now.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
    return samples[name]?.[language] ?? name.replace(/^custom\./, '');
  });
}
