// The conversations part of the RPC contract: the inbox's replies grouped by person and
// channel into threads, with the messages that went to that person (alerts, and answers
// written in the console) interleaved in time. A thread is the person (a contact, or the
// sender's address when nobody in the address book has it) on one channel; whether it is
// handled and who it is assigned to are kept on its inbound messages, which the
// organisation's desktops share.
import { z } from 'zod';
import { method } from './rpc-core';
import { channelSchema } from './contacts';
import { deliveryStateSchema } from './campaigns';
import { burnOptionSchema } from './burn';

const id = z.number().int().positive();
const isoTime = z.string();

/** Which conversation: a contact's on a channel, or an unknown sender's address on it. */
export const conversationKeySchema = z
  .object({
    channel: channelSchema,
    contactId: id.nullable(),
    address: z.string().trim().min(1).max(320).nullable(),
  })
  .refine((k) => (k.contactId === null) !== (k.address === null), {
    message: 'A conversation is a contact or an address, not both',
    path: ['contactId'],
  });
export type ConversationKey = z.infer<typeof conversationKeySchema>;

/** The same key as one string, for a page address or a map. */
export const conversationKeyText = (k: ConversationKey): string =>
  `${k.channel}:${k.contactId !== null ? `c${k.contactId}` : `a${k.address}`}`;

export const conversationSummarySchema = z.object({
  key: conversationKeySchema,
  /** The contact's name, or null for an unknown sender. */
  displayName: z.string().nullable(),
  /** The address the latest message came from. */
  address: z.string(),
  lastAt: isoTime,
  lastText: z.string(),
  /** Inbound messages in the thread, and how many of them nobody has handled. */
  messages: z.number().int().nonnegative(),
  unhandled: z.number().int().nonnegative(),
  assignedTo: z.string().nullable(),
  assignedName: z.string().nullable(),
  /** The alert the latest reply that named one answered. */
  campaignId: id.nullable(),
  campaignName: z.string().nullable(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

/** One message of a thread: in (the person wrote) or out (an alert's message, or an answer from the console). */
export const conversationEntrySchema = z.object({
  direction: z.enum(['in', 'out']),
  at: isoTime,
  channel: channelSchema,
  address: z.string(),
  text: z.string(),
  /** In: the inbox item. */
  inboxId: id.nullable(),
  handled: z.boolean().nullable(),
  /** Out: the delivery, its alert (or reply) and how far it got. */
  deliveryId: id.nullable(),
  campaignId: id.nullable(),
  campaignName: z.string().nullable(),
  /** Out: `alert` for an alert's message, `reply` for an answer written in a conversation. */
  kind: z.enum(['alert', 'reply']).nullable(),
  state: deliveryStateSchema.nullable(),
  providerStatus: z.string().nullable(),
  error: z.string().nullable(),
  /** Out, reply: who wrote it. */
  by: z.string().nullable(),
});
export type ConversationEntry = z.infer<typeof conversationEntrySchema>;

/**
 * How an answer may go out now: `free-form` text; `template-only` (WhatsApp after its 24-hour
 * window: only a template with an approved WhatsApp content template); `unavailable` (a call).
 */
export const replyModeSchema = z.enum(['free-form', 'template-only', 'unavailable']);
export type ReplyMode = z.infer<typeof replyModeSchema>;

export const conversationSchema = z.object({
  summary: conversationSummarySchema,
  /** Oldest first. */
  entries: z.array(conversationEntrySchema),
  reply: z.object({
    mode: replyModeSchema,
    /** WhatsApp: when the window for free-form text closes (null: closed, or not WhatsApp). */
    windowEndsAt: isoTime.nullable(),
  }),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const conversationsMethods = {
  'conversations.list': method(
    z.object({
      handled: z.boolean().optional(),
      /** Only the threads assigned to the signed-in user. */
      mine: z.boolean().default(false),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    z.object({ conversations: z.array(conversationSummarySchema) }),
  ),
  'conversations.get': method(z.object({ key: conversationKeySchema }), conversationSchema),
  /** Assigns the thread to the signed-in user (`assign`), or releases it; audited. */
  'conversations.assign': method(
    z.object({ key: conversationKeySchema, assign: z.boolean() }),
    z.object({ changed: z.number().int().nonnegative() }),
  ),
  /**
   * Answers the person from the console, to the address they last wrote from: free text, or a
   * template (a quick reply; outside WhatsApp's window its approved content template). Sent as
   * a delivery of its own `reply` campaign through the outbox like an alert's messages (held
   * while the path is down, tracked by status callbacks); audited.
   */
  'conversations.reply': method(
    z
      .object({
        key: conversationKeySchema,
        text: z.string().trim().min(1, 'Skriv ett svar').max(1600, 'Svaret är för långt (högst 1600 tecken)').optional(),
        templateId: id.optional(),
        /** Engångsmeddelande: the answer goes out as a link that shows it once (burn.ts); not with a WhatsApp template. */
        burn: burnOptionSchema.optional(),
      })
      .refine((x) => (x.text === undefined) !== (x.templateId === undefined), {
        message: 'Skriv ett svar eller välj en mall',
        path: ['text'],
      }),
    z.object({ campaignId: id, deliveryId: id, mode: z.enum(['free-form', 'template']) }),
  ),
  /** Marks every inbound message of the thread handled or not; audited. */
  'conversations.markHandled': method(
    z.object({ key: conversationKeySchema, handled: z.boolean().default(true) }),
    z.object({ changed: z.number().int().nonnegative() }),
  ),
};
