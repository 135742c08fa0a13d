// The questions GDial asks the AI: for each task its instructions, the shape of the answer
// (a zod schema, sent as a strict JSON schema) and the data sent with it. The data is JSON
// in the user message, redacted before it leaves (see redaction.ts). Every instruction says
// to keep placeholders ([TELEFON_1]) and template variables ({{förnamn}}) as written.
import { replyClasses, smsSegments, type AiLanguage } from '@gdial/protocol';
import { z } from 'zod';

const KEEP =
  'Keep every placeholder in square brackets (like [TELEFON_1]) and every template variable in double braces (like {{förnamn}}) exactly as written. Add no facts that are not in the input.';

export const draftAnswer = z.strictObject({ sms: z.string(), voice: z.string(), emailSubject: z.string(), emailBody: z.string() });

export const draftInstructions = [
  'You write public warning messages for Swedish authorities and organisations. Write in plain Swedish.',
  'Follow the structure MSB uses for public warnings: what has happened, where, the threat, what people should do, and where to learn more: krisinformation.se, Sveriges Radio P4, and the number 113 13 for questions (not for emergencies: 112).',
  'From the operator\'s notes ("notes") write: "sms" — at most "smsMaxChars" characters, the most important instruction first; "voice" — a script read aloud by text-to-speech: short sentences, no abbreviations or links, numbers as they are spoken; "emailSubject" and "emailBody" — the same in full.',
  'Use only the template variables listed in "variables", written as {{name}}; never invent others. Do not invent places, times or numbers the notes do not give; where the notes say nothing, say less.',
  KEEP,
].join('\n');

/** The characters an SMS of `segments` segments holds (GSM-7: 160 alone, 153 each when split). */
export function smsMaxChars(segments: number): number {
  return segments <= 1 ? 160 : segments * 153;
}

/** Whether a drafted SMS fits the chosen segments; the sentence for the model if not. */
export function smsProblem(sms: string, segments: number): string | null {
  const used = smsSegments(sms).segments;
  if (used <= segments) return null;
  return `SMS-texten blev ${sms.length} tecken (${used} delar); den får vara högst ${smsMaxChars(segments)} tecken (${segments} delar) och helst utan tecken utanför GSM-alfabetet. Skriv om hela svaret.`;
}

export const simplifyAnswer = z.strictObject({ text: z.string() });

export const simplifyInstructions = [
  'Rewrite the Swedish text in lättläst (easy-to-read Swedish) for people with reading difficulties:',
  'short sentences, one piece of information per sentence, common everyday words, active voice, concrete instructions (what to do, now), no abbreviations, no figurative language.',
  'Keep every fact, place, time and number. Answer with the rewritten text in "text".',
  KEEP,
].join('\n');

export const translateAnswer = z.strictObject({ translation: z.string(), backTranslation: z.string() });

/** The languages' names as the instructions and the console say them. */
export const languageNames: Record<AiLanguage, { en: string; sv: string }> = {
  en: { en: 'English', sv: 'engelska' },
  fi: { en: 'Finnish', sv: 'finska' },
  fit: { en: 'Meänkieli (Tornedalen Finnish)', sv: 'meänkieli' },
  se: { en: 'Northern Sami', sv: 'nordsamiska' },
  rom: { en: 'Romani (Kalderash, as used by Swedish authorities)', sv: 'romani chib' },
  yi: { en: 'Yiddish', sv: 'jiddisch' },
  ar: { en: 'Arabic', sv: 'arabiska' },
  so: { en: 'Somali', sv: 'somaliska' },
  fa: { en: 'Persian (Farsi)', sv: 'persiska' },
  prs: { en: 'Dari', sv: 'dari' },
  ti: { en: 'Tigrinya', sv: 'tigrinja' },
  pl: { en: 'Polish', sv: 'polska' },
  uk: { en: 'Ukrainian', sv: 'ukrainska' },
};

export function translateInstructions(language: AiLanguage): string {
  return [
    `Translate the Swedish emergency message ("text") into ${languageNames[language].en} ("translation"): faithful, plain, no additions or omissions.`,
    'Then translate your translation back into Swedish, literally, sentence by sentence ("backTranslation"), so that a Swedish reviewer can see what it says. Do not smooth or correct the back-translation.',
    'Keep krisinformation.se, 112 and 113 13 as they are.',
    KEEP,
  ].join('\n');
}

export const classifyAnswer = z.strictObject({
  replies: z.array(z.strictObject({ id: z.number().int(), category: z.enum(replyClasses), summary: z.string() })),
});

export const classifyInstructions = [
  'These are replies people sent to a public warning or an alert. For each reply (by its "id") choose one category:',
  '"behöver-hjälp" — the person or someone near them needs help or is in danger; "fråga" — a question; "bekräftelse" — confirms in free text that the message was received or that they are safe; "övrigt" — anything else.',
  'When in doubt between "behöver-hjälp" and another category, choose "behöver-hjälp". Give a one-line Swedish summary ("summary", at most 100 characters) of each reply.',
  'Answer every id once. ' + KEEP,
].join('\n');

export const summariseAnswer = z.strictObject({ summary: z.string() });

export const summariseInstructions = [
  "Summarise people's replies to an alert for the after-action report, in Swedish, in 3–8 sentences:",
  'how many replied, who needed help and with what, the questions that came up, and what was left unanswered. Each reply may carry a suggested category.',
  'Do not name people or repeat numbers or addresses. ' + KEEP,
].join('\n');
