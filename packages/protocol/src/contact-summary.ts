// A contact's line in a list (the contract's ContactSummary) from the whole contact: plain code,
// without the contract's schemas, for the contact list that opens first in the console.
import type { Contact, ContactSummary } from './contacts';

/** The table line of a full contact: what a page of summaries says about it. */
export function summaryOf(c: Contact): ContactSummary {
  return {
    id: c.id,
    displayName: c.displayName,
    organisation: c.organisation,
    role: c.role,
    phone: c.phones[0]?.e164 ?? null,
    phoneCount: c.phones.length,
    email: c.emails[0]?.address ?? null,
    tags: c.tags,
    groupIds: c.groupIds,
    doNotContact: c.doNotContact,
    updatedAt: c.updatedAt,
  };
}
