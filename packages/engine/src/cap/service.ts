// CAP 1.2 and the VMA underlag as the console uses them: a CAP message becomes a draft
// alert (its text as a message template, its CAP facts kept in the alert's settings), any
// alert is written out as a CAP message, and the VMA form becomes the underlag for SOS
// Alarm (PDF, text for the phone, CAP), audited with who made it. Nothing here sends.
import {
  capImportLanguage,
  capInfoText,
  capCategories,
  refusal,
  vmaFormSchema,
  vmaMissing,
  type CapCategory,
  type CapDetails,
  type CapInfoDoc,
  type Campaign,
  type Template,
  type TemplateContent,
  type VmaForm,
  type VmaUnderlag,
} from '@gdial/protocol';
import type { EngineContext } from '../context';
import { DomainError } from '../errors';
import type { CampaignService } from '../campaigns/service';
import type { TemplateService } from '../campaigns/template-service';
import { recordAudit } from '../store/audit';
import type { Reader } from '../store/db';
import { readSyncMeta, uidOf } from '../store/sync';
import { buildCapXml, capToken, type CapAlertOut, type CapInfoOut } from './build';
import { parseCapAlert } from './parse';
import { vmaCap, vmaPdf, vmaPhoneText, type VmaRequest } from './vma';

/** The text of a template's variant as a CAP description: the SMS, else another written channel, else the voice script. */
function variantText(c: TemplateContent | undefined): string | null {
  if (!c) return null;
  return c.sms ?? c.telegram ?? c.whatsapp ?? c.email?.text ?? (c.voice?.kind === 'tts' ? c.voice.script : null);
}

const capLanguage = { sv: 'sv-SE', en: 'en-US' } as const;

const slug = (s: string): string =>
  s
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60) || 'larm';

const deviceTag = (r: Reader): string => (readSyncMeta(r, 'device') ?? 'local').slice(0, 8);

export class CapService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly campaigns: CampaignService,
    private readonly templates: TemplateService,
  ) {}

  /** A CAP message as a new draft alert (and its message template), in one transaction. */
  import(xml: string, fileName?: string): Campaign {
    const doc = parseCapAlert(xml);
    // The Swedish text when there is one, else the English.
    const info = [...doc.info]
      .filter((i) => capImportLanguage(i.language) !== null)
      .sort((a, b) => (capImportLanguage(a.language) === 'sv' ? 0 : 1) - (capImportLanguage(b.language) === 'sv' ? 0 : 1))[0]!;
    const language = capImportLanguage(info.language)!;
    const text = capInfoText(info);
    const name = (info.headline?.trim() || info.event!.trim()).slice(0, 200);
    const content: TemplateContent = {
      sms: text,
      telegram: text,
      email: { subject: name, html: '', text },
      voice: { kind: 'tts', script: text },
    };
    const cap: CapDetails = {
      event: info.event!.trim().slice(0, 200),
      category: info.category.find((c): c is CapCategory => (capCategories as readonly string[]).includes(c)) ?? 'Other',
      urgency: info.urgency as CapDetails['urgency'],
      severity: info.severity as CapDetails['severity'],
      certainty: info.certainty as CapDetails['certainty'],
      areaDesc: areaText(info),
      source: { sender: doc.sender!.slice(0, 500), identifier: doc.identifier!.slice(0, 500), sent: doc.sent!.slice(0, 40) },
    };
    return this.ctx.store.transaction((tx) => {
      const template = this.templates.create({ name: `CAP: ${name}`.slice(0, 200), variants: { [language]: content } });
      const campaign = this.campaigns.create({
        name,
        templateId: template.id,
        steps: [{ channel: 'sms', condition: 'always' }],
        cap,
      });
      recordAudit(tx, this.ctx.operator(), {
        action: 'cap.imported',
        subjectType: 'campaign',
        subjectId: campaign.id,
        summary: `Imported CAP message ${doc.identifier} from ${doc.sender} as draft alert "${name}"`,
        params: { name, identifier: doc.identifier!, sender: doc.sender!, file: fileName ?? '' },
      });
      return campaign;
    });
  }

  /** An alert as a CAP 1.2 message (status Test for a test alert). */
  export(id: number): { xml: string; fileName: string } {
    const campaign = this.campaigns.get(id);
    const template: Template = this.templates.get(campaign.settings.templateId);
    const r = this.ctx.store.read;
    const cap = campaign.settings.cap;
    const facts = {
      category: cap?.category ?? 'Safety',
      event: cap?.event ?? campaign.name,
      urgency: cap?.urgency ?? 'Unknown',
      severity: cap?.severity ?? 'Unknown',
      certainty: cap?.certainty ?? 'Unknown',
    } satisfies Partial<CapInfoOut>;
    const info: CapInfoOut[] = (['sv', 'en'] as const).flatMap((lang) => {
      const text = variantText(template.variants[lang]);
      return text === null
        ? []
        : [{ language: capLanguage[lang], ...facts, headline: campaign.name, description: text, areaDesc: cap?.areaDesc ?? null }];
    });
    // Stable per alert: an alert run by another desktop by its organisation-wide id, this desktop's own by where and when it was made.
    const uid = campaign.remoteOwner !== null ? uidOf(r, 'alert', id) : null;
    const out: CapAlertOut = {
      identifier: uid ? `GDial-${uid}` : `GDial-${deviceTag(r)}-${id}-${Date.parse(campaign.createdAt)}`,
      sender: `GDial-${deviceTag(r)}`,
      sent: new Date(campaign.startedAt ?? campaign.createdAt),
      status: campaign.testMode ? 'Test' : 'Actual',
      msgType: 'Alert',
      scope: 'Public',
      info: info.length > 0 ? info : [{ language: 'sv-SE', ...facts, headline: campaign.name, areaDesc: cap?.areaDesc ?? null }],
    };
    return { xml: buildCapXml(out), fileName: `cap-${slug(campaign.name)}-${id}` };
  }

  /** The VMA underlag from the form: refused while a point is missing; audited with who made it. */
  async vmaUnderlag(input: VmaForm): Promise<VmaUnderlag> {
    const form = vmaFormSchema.parse(input);
    const missing = vmaMissing(form);
    if (missing.length > 0)
      throw new DomainError(
        'VALIDATION',
        `The VMA form is not complete: ${missing.join(', ')}`,
        undefined,
        refusal('vma.incomplete', { missing: missing.join(',') }),
      );
    const alert = form.alertId === null ? null : this.campaigns.get(form.alertId);
    const f: VmaRequest = {
      level: form.level,
      area: form.area.trim(),
      happened: form.happened.trim(),
      threat: form.threat.trim(),
      publicAction: form.publicAction.trim(),
      publicHelp: form.publicHelp.trim(),
      requester: form.requester.trim(),
      callbackPhone: form.callbackPhone.trim(),
    };
    const madeBy = this.ctx.operator();
    const madeAt = new Date();
    const r = this.ctx.store.read;
    const ids = { identifier: capToken(`GDial-VMA-${deviceTag(r)}-${madeAt.getTime()}`), sender: `GDial-${deviceTag(r)}` };
    const capXml = buildCapXml(vmaCap(f, ids, madeAt, alert?.testMode ?? false));
    const pdf = await vmaPdf(f, madeBy, madeAt, ids.identifier);
    const stamp = madeAt.toISOString().slice(0, 16).replace(/[-:T]/g, '');
    this.ctx.store.transaction((tx) => {
      recordAudit(tx, madeBy, {
        action: 'vma.underlag',
        subjectType: alert ? 'campaign' : 'vma',
        subjectId: alert?.id ?? null,
        summary: `Made the VMA underlag for SOS Alarm (${f.level}) for "${f.area}", requested by ${f.requester}`,
        params: { area: f.area, level: f.level, requester: f.requester, identifier: ids.identifier },
      });
    });
    return {
      pdfBase64: Buffer.from(pdf).toString('base64'),
      phoneText: vmaPhoneText(f, madeBy, madeAt),
      capXml,
      fileName: `vma-underlag-${stamp}`,
      madeBy,
      madeAt: madeAt.toISOString(),
    };
  }
}

/** Every area of the info block in words, one after the other. */
const areaText = (i: CapInfoDoc): string | null => {
  const s = i.area
    .map((a) => a.areaDesc?.trim() ?? '')
    .filter(Boolean)
    .join('; ');
  return s === '' ? null : s.slice(0, 1000);
};
