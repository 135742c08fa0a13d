// The template service: what the RPC handlers call for message templates. Each change is
// validated, written, audited in one transaction and announced after it commits. Whoever
// wrote a template's current text is recorded by user id: they cannot approve it themselves
// (the two-person rule), not even from another session or desktop.
import {
  refusal,
  type Channel,
  type ContactLanguage,
  type RenderedMessage,
  type SignedInUser,
  type Template,
  type TemplateFields,
} from '@gdial/protocol';
import type { EngineContext } from '../context';
import { DomainError, notFound } from '../errors';
import { recordAudit } from '../store/audit';
import { getTemplate, listTemplateIds, setTemplateWriter } from '../store/templates';
import { readApprovalRule } from './approvals';
import { loadContacts } from './audience';
import { approveTemplate, createTemplate, deleteTemplate, loadTemplate, renderMessage, templateToDto, updateTemplate } from './templates';

export class TemplateService {
  constructor(
    private readonly ctx: EngineContext,
    /** The signed-in user (null: nobody, e.g. a tool): the writer of what they save. */
    private readonly user: () => SignedInUser | null = () => null,
  ) {}

  list(): Template[] {
    const r = this.ctx.store.read;
    return listTemplateIds(r).map((id) => templateToDto(r, id));
  }

  get(id: number): Template {
    return templateToDto(this.ctx.store.read, id);
  }

  create(fields: TemplateFields): Template {
    const id = this.ctx.store.transaction((tx) => {
      const id = createTemplate(tx, fields);
      setTemplateWriter(tx, id, this.user()?.id ?? null);
      recordAudit(tx, this.ctx.operator(), {
        action: 'template.create',
        subjectType: 'template',
        subjectId: id,
        summary: `Created template "${fields.name}"`,
        params: { name: fields.name },
      });
      return id;
    });
    this.ctx.events.emit('templates.changed', { id });
    return this.get(id);
  }

  update(id: number, fields: TemplateFields): Template {
    this.ctx.store.transaction((tx) => {
      updateTemplate(tx, id, fields);
      setTemplateWriter(tx, id, this.user()?.id ?? null);
      recordAudit(tx, this.ctx.operator(), {
        action: 'template.update',
        subjectType: 'template',
        subjectId: id,
        summary: `Changed template "${fields.name}" (back to draft)`,
        params: { name: fields.name },
      });
    });
    this.ctx.events.emit('templates.changed', { id });
    return this.get(id);
  }

  approve(id: number): Template {
    const actor = this.ctx.operator();
    const me = this.user();
    this.ctx.store.transaction((tx) => {
      const t = getTemplate(tx, id);
      if (t && me && t.writtenBy === me.id && !readApprovalRule(tx).authorMayApproveTemplates)
        throw new DomainError(
          'FORBIDDEN',
          `${me.displayName} wrote template "${t.name}" and cannot approve it; another operator must`,
          undefined,
          refusal('approval.own-template', { name: t.name }),
        );
      approveTemplate(tx, id, actor);
      recordAudit(tx, actor, {
        action: 'template.approve',
        subjectType: 'template',
        subjectId: id,
        summary: `Approved template ${id}`,
        params: { id },
      });
    });
    this.ctx.events.emit('templates.changed', { id });
    return this.get(id);
  }

  delete(id: number): void {
    this.ctx.store.transaction((tx) => {
      deleteTemplate(tx, id);
      recordAudit(tx, this.ctx.operator(), {
        action: 'template.delete',
        subjectType: 'template',
        subjectId: id,
        summary: `Deleted template ${id}`,
        params: { id },
      });
    });
    this.ctx.events.emit('templates.changed', { id });
  }

  /** A template rendered for one contact, as it would be sent. */
  preview(templateId: number, contactId: number, channel: Channel, language: ContactLanguage | undefined): RenderedMessage {
    const t = loadTemplate(this.ctx.store.read, templateId);
    if (!t) throw notFound('Template', templateId);
    const c = loadContacts(this.ctx.store.read, [contactId])[0];
    if (!c) throw notFound('Contact', contactId);
    const rendered = renderMessage(t, channel, language ?? c.language, c, {
      campaignName: '(förhandsvisning)',
      operator: this.ctx.operator(),
      now: new Date(),
    });
    if (!rendered)
      throw new DomainError(
        'PRECONDITION',
        `Template "${t.name}" has no ${channel} content`,
        undefined,
        refusal('template.no-content', { name: t.name, channel }),
      );
    return rendered;
  }
}
