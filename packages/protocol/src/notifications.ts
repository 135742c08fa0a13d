// The bell in the header: what an operator must not miss, gathered by the engine from the
// alerts, approvals, replies and health alerts in its store (so every console of the
// organisation lists the same things), each with the page it is about. Read or unread is
// per signed-in user; an item that comes back (a new hold, a new reply) is unread again.
import { z } from 'zod';
import { channelSchema } from './contacts';
import { method } from './rpc-core';

export const notificationKinds = [
  /** A running alert waits for a path that is down (Väntar på nät). */
  'held',
  /** A provider keeps failing, or the relay is out of reach (from the health alerts). */
  'provider-down',
  /** An alert waits for a second operator's approval. */
  'approval',
  /** Replies nobody has handled in the inbox. */
  'replies',
  /** An alert finished (in the last day). */
  'finished',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export const notificationSchema = z.object({
  /** Stable while the thing lasts; a new episode gets a new key (and is unread again). */
  key: z.string(),
  kind: z.enum(notificationKinds),
  /** When it began. */
  at: z.string(),
  campaignId: z.number().int().positive().nullable(),
  campaignName: z.string().nullable(),
  /** held: the channels waiting; provider-down: the provider or 'relay'; approval: who asked; else ''. */
  subject: z.string(),
  channels: z.array(channelSchema),
  /** replies: how many wait; approval: recipients; else 0. */
  count: z.number().int().nonnegative(),
  /** The console page it is about, as a hash link (#/campaigns/7). */
  link: z.string(),
  read: z.boolean(),
});
export type Notification = z.infer<typeof notificationSchema>;

export const notificationsMethods = {
  /** What the signed-in user must not miss, newest first, and how many of them they have not read. */
  'notifications.list': method(z.object({}), z.object({ items: z.array(notificationSchema), unread: z.number().int().nonnegative() })),
  /** Marks items read for the signed-in user (all listed ones when keys is omitted). */
  'notifications.markRead': method(
    z.object({ keys: z.array(z.string().min(1).max(200)).max(500).optional() }),
    z.object({ marked: z.number().int().nonnegative() }),
  ),
};
