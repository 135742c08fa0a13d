// The statuses a provider can report for a delivery and who can pick up a call: plain lists,
// without the contract's schemas (provider-events.ts makes them from these), so code that only
// reads stored text (event-details.ts, in the console's first code) builds no schema.

/** Every status a provider can report for one delivery, across channels. */
export const deliveryStatuses = [
  'queued', // accepted by the provider, not yet handed on (Twilio queued/accepted, SendGrid processed)
  'deferred', // email: the receiving server said "try later"; the provider retries
  'sending',
  'sent', // handed to the carrier / Telegram accepted it
  'ringing', // voice
  'answered', // voice: picked up (by a person or a machine; see answeredBy)
  'delivered', // handset / mailbox received it
  'read', // WhatsApp read receipt, email opened
  'completed', // voice: an answered call ended normally
  'undelivered', // carrier could not deliver (async error code says why)
  'failed', // provider could not send
  'busy',
  'no-answer',
  'canceled',
  'bounced',
  'dropped', // email: the provider refused to send (suppression list)
] as const;

/** Who picked up a call, when answering-machine detection was on. */
export const answeredByValues = ['human', 'machine', 'fax', 'unknown'] as const;
