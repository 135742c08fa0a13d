// The simulated Twilio Content API (WhatsApp templates): content templates with a
// twilio/text body and numbered variables ({{1}}), listed at GET /v1/Content and with their
// WhatsApp approval at GET /v1/Content/{Sid}/ApprovalRequests. Tests and demos add
// templates through the control API; a message sent with a ContentSid gets its body
// rendered from ContentVariables, and only an approved template may open a conversation.
import type { SimCore } from '../core';
import { rfc2822 } from '../http';
import { TwilioApiError } from './common';

export type ApprovalStatus = 'approved' | 'pending' | 'rejected' | 'unsubmitted';

export interface SimContent {
  sid: string;
  friendlyName: string;
  language: string;
  body: string;
  /** Default values of the numbered variables. */
  variables: Record<string, string>;
  whatsappStatus: ApprovalStatus;
  whatsappName: string;
  dateCreated: Date;
}

export class TwilioContent {
  readonly templates = new Map<string, SimContent>();

  constructor(private readonly core: SimCore) {}

  reset(): void {
    this.templates.clear();
  }

  add(input: {
    friendlyName: string;
    body: string;
    language?: string;
    variables?: Record<string, string>;
    whatsappStatus?: ApprovalStatus;
  }): SimContent {
    const sid = this.core.nextSid('HX');
    const content: SimContent = {
      sid,
      friendlyName: input.friendlyName,
      language: input.language ?? 'sv',
      body: input.body,
      variables: input.variables ?? {},
      whatsappStatus: input.whatsappStatus ?? 'approved',
      whatsappName: input.friendlyName.toLowerCase().replace(/[^a-z0-9_]+/g, '_'),
      dateCreated: new Date(),
    };
    this.templates.set(sid, content);
    return content;
  }

  /**
   * The body a message with this template and these variables carries; refuses an unknown
   * template or bad variables. With no template registered at all (a world that does not
   * model the Content API) any ContentSid is taken as an approved template: null.
   */
  render(sid: string, variablesJson: string | null): { content: SimContent; body: string } | null {
    if (this.templates.size === 0) return null;
    const content = this.templates.get(sid);
    if (!content) throw new TwilioApiError(400, 21655, `The ContentSid ${sid} is invalid.`);
    let given: Record<string, unknown> = {};
    if (variablesJson !== null) {
      try {
        given = JSON.parse(variablesJson) as Record<string, unknown>;
      } catch {
        throw new TwilioApiError(400, 21656, 'The ContentVariables Parameter is invalid.');
      }
    }
    const valueOf = (n: string): string => {
      const v = given[n];
      return typeof v === 'string' || typeof v === 'number' ? String(v) : (content.variables[n] ?? '');
    };
    const body = content.body.replace(/\{\{(\d+)\}\}/g, (_m, n: string) => valueOf(n));
    return { content, body };
  }

  json(c: SimContent): Record<string, unknown> {
    const url = `https://content.twilio.com/v1/Content/${c.sid}`;
    return {
      sid: c.sid,
      account_sid: this.core.credentials.accountSid,
      friendly_name: c.friendlyName,
      language: c.language,
      variables: c.variables,
      types: { 'twilio/text': { body: c.body } },
      url,
      links: { approval_fetch: `${url}/ApprovalRequests`, approval_create: `${url}/ApprovalRequests/whatsapp` },
      date_created: rfc2822(c.dateCreated),
      date_updated: rfc2822(c.dateCreated),
    };
  }

  approvalJson(c: SimContent): Record<string, unknown> {
    return {
      sid: c.sid,
      account_sid: this.core.credentials.accountSid,
      url: `https://content.twilio.com/v1/Content/${c.sid}/ApprovalRequests`,
      whatsapp:
        c.whatsappStatus === 'unsubmitted'
          ? {}
          : {
              type: 'whatsapp',
              name: c.whatsappName,
              category: 'UTILITY',
              content_type: 'twilio/text',
              status: c.whatsappStatus,
              rejection_reason: c.whatsappStatus === 'rejected' ? 'Simulated rejection' : '',
              allow_category_change: true,
            },
    };
  }

  /** GET /v1/Content and GET /v1/Content/{Sid}[/ApprovalRequests]. */
  handle(path: string, query: URLSearchParams): { status: number; body: unknown } {
    const parts = path.split('/').filter(Boolean); // ['v1', 'Content', sid?, 'ApprovalRequests'?]
    const sid = parts[2];
    if (!sid) {
      const all = [...this.templates.values()];
      const pageSize = Math.max(1, Math.min(1000, Number(query.get('PageSize') ?? 50)));
      const page = Math.max(0, Number(query.get('Page') ?? 0));
      const slice = all.slice(page * pageSize, (page + 1) * pageSize);
      const base = 'https://content.twilio.com/v1/Content';
      return {
        status: 200,
        body: {
          contents: slice.map((c) => this.json(c)),
          meta: {
            page,
            page_size: pageSize,
            first_page_url: `${base}?PageSize=${pageSize}&Page=0`,
            previous_page_url: page > 0 ? `${base}?PageSize=${pageSize}&Page=${page - 1}` : null,
            url: `${base}?PageSize=${pageSize}&Page=${page}`,
            next_page_url: (page + 1) * pageSize < all.length ? `${base}?PageSize=${pageSize}&Page=${page + 1}` : null,
            key: 'contents',
          },
        },
      };
    }
    const c = this.templates.get(sid);
    if (!c) throw new TwilioApiError(404, 20404, `The requested resource /Content/${sid} was not found`);
    if (parts[3] === 'ApprovalRequests') return { status: 200, body: this.approvalJson(c) };
    if (parts.length === 3) return { status: 200, body: this.json(c) };
    throw new TwilioApiError(404, 20404, `The requested resource ${path} was not found`);
  }
}
