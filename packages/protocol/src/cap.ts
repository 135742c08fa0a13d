// CAP 1.2 and the VMA underlag: the schemas and methods (the rules, the CAP vocabulary and the
// VMA form's points are plain data in cap-rules.ts, so the console's refusal words read them
// without building schemas).
import { z } from 'zod';
import { CAP_MAX_CHARS, capCategories, capCertainties, capSeverities, capUrgencies } from './cap-rules';
import { method } from './rpc-core';

// ── what an imported alert keeps of its CAP message ─────────────────────────────────────

/** The CAP facts of an alert (imported from CAP, or set for its export); kept in its settings. */
export const capDetailsSchema = z.object({
  event: z.string().trim().min(1).max(200),
  category: z.enum(capCategories).default('Safety'),
  urgency: z.enum(capUrgencies).default('Unknown'),
  severity: z.enum(capSeverities).default('Unknown'),
  certainty: z.enum(capCertainties).default('Unknown'),
  /** The area the alert is about, in words ("Kvarteret Kvarnen, Vänersborg"). */
  areaDesc: z.string().trim().max(1000).nullable().default(null),
  /** Where an imported alert came from: the CAP message's sender and identifier. */
  source: z
    .object({ sender: z.string().max(500), identifier: z.string().max(500), sent: z.string().max(40) })
    .nullable()
    .default(null),
});
export type CapDetails = z.output<typeof capDetailsSchema>;

// ── VMA underlag ────────────────────────────────────────────────────────────────────────

/** MSB's five points of a VMA request, in the order SOS Alarm asks for them. */
export const vmaPoints = ['area', 'happened', 'threat', 'publicAction', 'publicHelp'] as const;
export type VmaPoint = (typeof vmaPoints)[number];

export const vmaFormSchema = z.object({
  /** Warning (immediate risk to life, health, property or the environment) or information. */
  level: z.enum(['warning', 'information']),
  area: z.string().max(1000),
  happened: z.string().max(1000),
  threat: z.string().max(1000),
  publicAction: z.string().max(1000),
  publicHelp: z.string().max(1000),
  /** Who asks, and how SOS Alarm reaches them to confirm. */
  requester: z.string().max(200),
  callbackPhone: z.string().max(40),
  /** The alert the request belongs to, when it is made from one. */
  alertId: z.number().int().positive().nullable().default(null),
});
export type VmaForm = z.input<typeof vmaFormSchema>;

/** What the form still lacks, in the form's order: each of the five points, who asks and a number to call back. */
export const vmaMissing = (f: Omit<VmaForm, 'alertId' | 'level'>): (VmaPoint | 'requester' | 'callbackPhone')[] => {
  const out: (VmaPoint | 'requester' | 'callbackPhone')[] = vmaPoints.filter((p) => f[p].trim().length < 3);
  if (f.requester.trim() === '') out.push('requester');
  if (f.callbackPhone.replace(/[^0-9]/g, '').length < 5) out.push('callbackPhone');
  return out;
};

export const vmaUnderlagSchema = z.object({
  /** The one-page request as a PDF, base64. */
  pdfBase64: z.string(),
  /** The text to read to SOS Alarm over the phone. */
  phoneText: z.string(),
  /** The CAP 1.2 document built from the form. */
  capXml: z.string(),
  /** A file name without extension, e.g. "vma-underlag-2026-12-07-0941". */
  fileName: z.string(),
  madeBy: z.string(),
  madeAt: z.string(),
});
export type VmaUnderlag = z.infer<typeof vmaUnderlagSchema>;

// ── methods ─────────────────────────────────────────────────────────────────────────────

export const capMethods = {
  /** A CAP 1.2 alert (XML text) made into a draft alert; refused with the rule it breaks. */
  'cap.import': method(
    z.object({ xml: z.string().max(CAP_MAX_CHARS), fileName: z.string().max(300).optional() }),
    z.object({ campaignId: z.number().int().positive() }),
  ),
  /** An alert as a CAP 1.2 document. */
  'cap.export': method(z.object({ id: z.number().int().positive() }), z.object({ xml: z.string(), fileName: z.string() })),
  /** The VMA request to SOS Alarm as a one-page PDF, the text to read over the phone and a CAP document; audited. */
  'vma.underlag': method(vmaFormSchema, vmaUnderlagSchema),
};
