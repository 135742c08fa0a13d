// The OpenAPI paths of the address book for other systems (http/api-contacts.ts), from the
// protocol's zod schemas and the route table (auth/rules.ts), like the identity routes'.
import { z } from 'zod';
import {
  API_CONTACT_BATCH_MAX,
  apiContactBatchResultSchema,
  apiContactInputSchema,
  apiContactListSchema,
  apiContactSchema,
  apiContactWriteSchema,
  apiGroupListSchema,
  apiMembershipSchema,
  externalIdSchema,
} from '@gdial/protocol';
import { op } from './openapi-auth';

const path = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});
const contactId = [path('id', "The contact's uid (the same on every desktop)")];
const member = [path('id', "The group's uid"), path('contactId', "The contact's uid")];

export function contactPaths(): Record<string, Record<string, unknown>> {
  return {
    '/api/v1/contacts': {
      get: op('GET /contacts', {
        summary: 'A page of contacts in uid order, optionally only those changed since a time, with an external id, or in a group',
        parameters: [
          query('after', 'The previous page’s `next`'),
          query('limit', 'Contacts per page (1–1000, default 100)', { type: 'integer', minimum: 1, maximum: 1000 }),
          query('updatedSince', 'Only contacts with a field changed at or after this time (ISO 8601)', {
            type: 'string',
            format: 'date-time',
          }),
          query('externalId', "Only the contact with this HR system's id"),
          query('group', "Only members of this group (the group's uid)"),
        ],
        ok: ['200', 'Contacts', apiContactListSchema],
      }),
    },
    '/api/v1/contacts/batch': {
      post: op('POST /contacts/batch', {
        summary: `Bulk upsert by external id (at most ${API_CONTACT_BATCH_MAX} rows): each row is validated on its own; a refused row writes nothing and is reported, the others are applied`,
        request: z.object({ contacts: z.array(apiContactInputSchema.extend({ externalId: externalIdSchema })).max(API_CONTACT_BATCH_MAX) }),
        ok: ['200', 'A result per row', apiContactBatchResultSchema],
      }),
    },
    '/api/v1/contacts/{id}': {
      get: op('GET /contacts/:id', {
        summary: 'One contact',
        parameters: contactId,
        ok: ['200', 'The contact', apiContactSchema],
        errors: { '404': 'No such contact' },
      }),
      put: op('PUT /contacts/:id', {
        summary:
          "Upsert the contact of an HR system's id (the path's {id} is the external id here): absent fields keep their values; repeating it changes nothing",
        parameters: [path('id', "The HR system's id of the person (external id)")],
        request: apiContactInputSchema,
        ok: ['200', 'Updated or unchanged (201 when created)', apiContactWriteSchema],
        errors: { '201': 'Created' },
      }),
      patch: op('PATCH /contacts/:id', {
        summary: 'Change some fields of a contact (absent fields keep their values; groups are added)',
        parameters: contactId,
        request: apiContactInputSchema,
        ok: ['200', 'Updated or unchanged', apiContactWriteSchema],
        errors: { '404': 'No such contact' },
      }),
      delete: op('DELETE /contacts/:id', {
        summary: 'Delete a contact (a tombstone on every desktop); with ?erase=true erase the person for GDPR instead (docs/sync.md)',
        parameters: [...contactId, query('erase', 'true: a GDPR erasure', { type: 'boolean' })],
        ok: ['204', 'Deleted'],
        errors: { '404': 'No such contact' },
      }),
    },
    '/api/v1/groups': {
      get: op('GET /groups', { summary: "The organisation's groups", ok: ['200', 'Groups', apiGroupListSchema] }),
    },
    '/api/v1/groups/{id}/members/{contactId}': {
      put: op('PUT /groups/:id/members/:contactId', {
        summary: 'Put a contact in a group',
        parameters: member,
        ok: ['200', 'A member (changed: false when it already was)', apiMembershipSchema],
        errors: { '404': 'No such group or contact' },
      }),
      delete: op('DELETE /groups/:id/members/:contactId', {
        summary: 'Take a contact out of a group',
        parameters: member,
        ok: ['200', 'Not a member (changed: false when it was not)', apiMembershipSchema],
        errors: { '404': 'No such group or contact' },
      }),
    },
  };
}
