// The REST API v1's address book for other systems (docs/api.md), on an API key:
//   GET    /api/v1/contacts                           a page of contacts (?after=&limit=&updatedSince=&externalId=&group=)
//   GET    /api/v1/contacts/{id}                      one contact by uid
//   PUT    /api/v1/contacts/{externalId}              create or update the contact of an HR system's id (idempotent)
//   PATCH  /api/v1/contacts/{id}                      change some fields of a contact
//   DELETE /api/v1/contacts/{id}                      delete (a tombstone); ?erase=true erases the person (GDPR)
//   POST   /api/v1/contacts/batch                     bulk upsert, a result per row
//   GET    /api/v1/groups                             the organisation's groups
//   PUT    /api/v1/groups/{id}/members/{contactId}    put a contact in a group
//   DELETE /api/v1/groups/{id}/members/{contactId}    take a contact out of a group
// Reads need contacts:read, writes contacts:write (auth/rules.ts). Writes are organisation
// sync operations the relay authors (ingest/api-contacts.ts), audited under the key's name.
import express, { type Request, type Response, type Router } from 'express';
import {
  apiContactBatchRequestSchema,
  describeIssues,
  fieldIssues,
  type ApiContactBatchResult,
  type ApiContactList,
  type ApiContactWrite,
  type ApiMembership,
} from '@gdial/protocol';
import { ApiContacts, type ApiKeyRef, type WriteResult } from '../ingest/api-contacts';
import { keyCallerOf } from './auth-guard';
import { apiError, sendJson } from './middleware';
import type { HttpServices } from './services';

const keyRef = (req: Request): { tenantId: string; key: ApiKeyRef } => {
  const k = keyCallerOf(req);
  return { tenantId: k.tenant.id, key: { id: k.key.id, name: k.key.name } };
};

const param = (req: Request, name: string): string => String(req.params[name] ?? '');

function refuse(res: Response, r: Extract<WriteResult, { ok: false }>): void {
  sendJson(res, r.status, { error: { code: r.code, message: describeIssues(r.issues), issues: r.issues } });
}

export function contactsApiRouter(services: HttpServices): Router {
  const router = express.Router();
  const contacts = new ApiContacts({ db: services.db, appender: services.appender, auth: services.auth });

  const answerWrite = async (res: Response, tenantId: string, r: WriteResult): Promise<void> => {
    if (!r.ok) {
      refuse(res, r);
      return;
    }
    const contact = await contacts.get(tenantId, r.id);
    if (!contact) {
      apiError(res, 404, 'not-found', `No contact ${r.id}`);
      return;
    }
    const body: ApiContactWrite = { status: r.status, contact };
    res.status(r.status === 'created' ? 201 : 200).json(body);
  };

  router.get('/contacts', async (req, res) => {
    const { tenantId } = keyRef(req);
    const q = req.query;
    const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      apiError(res, 400, 'validation', 'limit: a whole number from 1 to 1000');
      return;
    }
    const since = text(q.updatedSince);
    const updatedSince = since === undefined ? undefined : new Date(since);
    if (updatedSince && Number.isNaN(updatedSince.getTime())) {
      apiError(res, 400, 'validation', 'updatedSince: an ISO 8601 time, e.g. 2026-12-01T00:00:00Z');
      return;
    }
    const body: ApiContactList = await contacts.list(tenantId, {
      after: text(q.after),
      limit,
      updatedSince,
      externalId: text(q.externalId),
      group: text(q.group),
    });
    res.json(body);
  });

  router.post('/contacts/batch', express.json({ limit: '4mb' }), async (req, res) => {
    const { tenantId, key } = keyRef(req);
    const parsed = apiContactBatchRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const issues = fieldIssues(parsed.error);
      sendJson(res, 400, { error: { code: 'validation', message: describeIssues(issues), issues } });
      return;
    }
    const rows = await contacts.batch(tenantId, key, parsed.data.contacts);
    const body: ApiContactBatchResult = {
      results: rows.map(({ index, externalId, result: r }) =>
        r.ok ? { index, externalId, status: r.status, id: r.id } : { index, externalId, status: 'refused', issues: r.issues },
      ),
      applied: rows.filter((r) => r.result.ok).length,
      refused: rows.filter((r) => !r.result.ok).length,
    };
    res.json(body);
  });

  router.get('/contacts/:id', async (req, res) => {
    const { tenantId } = keyRef(req);
    const contact = await contacts.get(tenantId, param(req, 'id'));
    if (!contact) apiError(res, 404, 'not-found', `No contact ${param(req, 'id')}`);
    else res.json(contact);
  });

  router.put('/contacts/:id', express.json({ limit: '64kb' }), async (req, res) => {
    const { tenantId, key } = keyRef(req);
    await answerWrite(res, tenantId, await contacts.upsert(tenantId, key, param(req, 'id'), req.body));
  });

  router.patch('/contacts/:id', express.json({ limit: '64kb' }), async (req, res) => {
    const { tenantId, key } = keyRef(req);
    await answerWrite(res, tenantId, await contacts.patch(tenantId, key, param(req, 'id'), req.body));
  });

  router.delete('/contacts/:id', async (req, res) => {
    const { tenantId, key } = keyRef(req);
    const erase = req.query.erase === 'true';
    const r = await contacts.remove(tenantId, key, param(req, 'id'), erase);
    if (!r.ok) refuse(res, r);
    else res.status(204).end();
  });

  router.get('/groups', async (req, res) => {
    const { tenantId } = keyRef(req);
    res.json({ groups: await contacts.groups(tenantId) });
  });

  const membership = (member: boolean) => async (req: Request, res: Response) => {
    const { tenantId, key } = keyRef(req);
    const group = param(req, 'id');
    const contact = param(req, 'contactId');
    const r = await contacts.setMember(tenantId, key, group, contact, member);
    if (!r.ok) {
      refuse(res, r);
      return;
    }
    const body: ApiMembership = { group, contact, member, changed: r.status !== 'unchanged' };
    res.json(body);
  };
  router.put('/groups/:id/members/:contactId', membership(true));
  router.delete('/groups/:id/members/:contactId', membership(false));

  return router;
}
