// The REST API v1's address book (docs/api.md, issue #17): other systems — typically an HR
// system's nightly sync — read contacts and groups and write contacts and group membership
// with an API key (scopes contacts:read / contacts:write). A contact's fields are the
// desktop's (contactFieldsSchema: validated by the same rules as a desktop import); groups
// and contacts are named by their organisation-wide uids, and a contact written by the API
// also carries the HR system's id (`externalId`, kept in its custom fields).
import { z } from 'zod';
import { contactFieldsSchema, contactPhoneSchema, contactSchema } from './contacts';
import { syncIdSchema } from './sync';

/** The custom field a contact's external id is kept in (visible in the console as "externalId"). */
export const EXTERNAL_ID_FIELD = 'externalId';

/** Rows of one bulk upsert (POST /api/v1/contacts/batch). */
export const API_CONTACT_BATCH_MAX = 500;

export const externalIdSchema = z
  .string()
  .trim()
  .min(1, 'An external id cannot be empty')
  .max(200, 'An external id is at most 200 characters')
  .regex(/^[^/?#|\s]+$/, 'An external id has no spaces and none of / ? # |');

/** A contact as written through the API: the desktop's fields, and groups (uids) it is to be in (added, never removed here). */
export const apiContactInputSchema = contactFieldsSchema.omit({ groupIds: true }).extend({
  groups: z.array(syncIdSchema).max(100, 'At most 100 groups').optional(),
});
export type ApiContactInput = z.input<typeof apiContactInputSchema>;

/** One row of a bulk upsert: the external id and the contact's fields. */
export const apiContactBatchRowSchema = apiContactInputSchema.extend({ externalId: externalIdSchema });

export const apiContactBatchRequestSchema = z.object({
  /** Each row is validated on its own: a bad one is reported and the others are applied. */
  contacts: z.array(z.unknown()).min(1, 'No rows').max(API_CONTACT_BATCH_MAX, `At most ${API_CONTACT_BATCH_MAX} rows per request`),
});

/** A contact as the API shows it: the desktop's contact, named by uid, with its external id and its groups' uids. */
export const apiContactSchema = contactSchema.omit({ id: true, phones: true, groupIds: true, createdAt: true, updatedAt: true }).extend({
  /** The organisation-wide uid (the same on every desktop). */
  id: z.string(),
  externalId: z.string().nullable(),
  phones: z.array(contactPhoneSchema.pick({ e164: true, label: true, kind: true, canSms: true })),
  /** The uids of the groups the contact is in. */
  groups: z.array(z.string()),
  /** The last change of any field, from any desktop or the API. */
  updatedAt: z.string(),
});
export type ApiContact = z.infer<typeof apiContactSchema>;

export const apiContactListSchema = z.object({
  contacts: z.array(apiContactSchema),
  /** Pass as `after` for the next page; absent on the last. */
  next: z.string().optional(),
});
export type ApiContactList = z.infer<typeof apiContactListSchema>;

export const apiWriteStatuses = ['created', 'updated', 'unchanged'] as const;
export const apiContactWriteSchema = z.object({ status: z.enum(apiWriteStatuses), contact: apiContactSchema });
export type ApiContactWrite = z.infer<typeof apiContactWriteSchema>;

const issueSchema = z.object({ path: z.string(), message: z.string(), code: z.string().optional() });

export const apiContactBatchResultSchema = z.object({
  results: z.array(
    z.object({
      /** The row's place in the request, from 0. */
      index: z.number().int().nonnegative(),
      externalId: z.string().nullable(),
      status: z.enum([...apiWriteStatuses, 'refused']),
      /** The contact's uid (absent for a refused row). */
      id: z.string().optional(),
      /** Why the row was refused (nothing of it was written). */
      issues: z.array(issueSchema).optional(),
    }),
  ),
  applied: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
});
export type ApiContactBatchResult = z.infer<typeof apiContactBatchResultSchema>;

export const apiGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  parent: z.string().nullable(),
});
export type ApiGroup = z.infer<typeof apiGroupSchema>;
export const apiGroupListSchema = z.object({ groups: z.array(apiGroupSchema) });

export const apiMembershipSchema = z.object({ group: z.string(), contact: z.string(), member: z.boolean(), changed: z.boolean() });
export type ApiMembership = z.infer<typeof apiMembershipSchema>;
