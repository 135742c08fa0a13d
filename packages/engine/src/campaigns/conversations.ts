// Conversations: the inbox read as threads (a person on a channel, what they wrote and
// what went to them), assigned to an operator and marked handled as a whole. The state is
// kept on the thread's inbound messages, so organisation sync shares it like the inbox's
// handled marks; every change is audited and announced as `inbox.changed`.
import type { Conversation, ConversationKey, ConversationSummary, SignedInUser } from '@gdial/protocol';
import type { EngineContext } from '../context';
import { DomainError, notFound } from '../errors';
import { recordAudit } from '../store/audit';
import {
  assignConversation,
  conversationEntries,
  conversationInboxIds,
  conversationSummary,
  listConversations,
} from '../store/conversations';
import { markInbox } from '../store/inbox';
import { replyModeOf, writeReply, type ReplyInput, type WrittenReply } from './conversation-replies';

/** How many messages of a thread one read shows (the latest). */
const ENTRIES = 300;

export class ConversationService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly user: () => SignedInUser | null,
    /** An answer's campaign was written: the dispatcher takes its delivery, the progress follows it. */
    private readonly sent: (campaignId: number) => void,
  ) {}

  list(q: { handled?: boolean | undefined; mine: boolean; limit: number }): ConversationSummary[] {
    const me = this.user();
    if (q.mine && !me) return [];
    return listConversations(this.ctx.store.read, { handled: q.handled, assignedTo: q.mine ? me!.id : undefined, limit: q.limit });
  }

  get(key: ConversationKey): Conversation {
    const r = this.ctx.store.read;
    const summary = conversationSummary(r, key);
    if (!summary) throw notFound('Conversation', key.contactId ?? key.address ?? '');
    return { summary, entries: conversationEntries(r, key, ENTRIES), reply: replyModeOf(r, key, summary.address, Date.now()) };
  }

  /** Answers the person from the console, to the address they last wrote from (conversation-replies.ts). */
  reply(key: ConversationKey, input: ReplyInput): WrittenReply {
    const actor = this.ctx.operator();
    const written = this.ctx.store.transaction((tx) => {
      const summary = conversationSummary(tx, key);
      if (!summary) throw notFound('Conversation', key.contactId ?? key.address ?? '');
      return writeReply(tx, summary, input, actor, Date.now());
    });
    this.sent(written.campaignId);
    this.ctx.events.emit('inbox.changed', { ids: [] });
    return written;
  }

  /** Assigns the thread to the signed-in user, or releases it. */
  assign(key: ConversationKey, assign: boolean): number {
    const me = this.user();
    if (!me) throw new DomainError('UNAUTHENTICATED', 'Sign in to take a conversation');
    const actor = this.ctx.operator();
    const changed = this.ctx.store.transaction((tx) => {
      const summary = conversationSummary(tx, key);
      if (!summary) throw notFound('Conversation', key.contactId ?? key.address ?? '');
      const before = summary.assignedName;
      const n = assignConversation(tx, key, assign ? { id: me.id, name: me.displayName } : null);
      if (n > 0)
        recordAudit(tx, actor, {
          action: assign ? 'conversation.assigned' : 'conversation.released',
          subjectType: key.contactId !== null ? 'contact' : 'inbox',
          subjectId: key.contactId ?? key.address!,
          summary: assign
            ? `Conversation with ${summary.displayName ?? summary.address} (${key.channel}) assigned to ${me.displayName}`
            : `Conversation with ${summary.displayName ?? summary.address} (${key.channel}) no longer assigned to ${before ?? '–'}`,
          params: { person: summary.displayName ?? summary.address, channel: key.channel, name: assign ? me.displayName : (before ?? '–') },
        });
      return n;
    });
    if (changed) this.ctx.events.emit('inbox.changed', { ids: [] });
    return changed;
  }

  /** Marks every inbound message of the thread handled (or not). */
  markHandled(key: ConversationKey, handled: boolean): number {
    const actor = this.ctx.operator();
    const changed = this.ctx.store.transaction((tx) => {
      const ids = conversationInboxIds(tx, key, !handled);
      if (ids.length === 0) return [];
      markInbox(tx, ids, handled, actor, new Date().toISOString());
      recordAudit(tx, actor, {
        action: handled ? 'inbox.handled' : 'inbox.unhandled',
        subjectType: 'inbox',
        subjectId: ids.join(',').slice(0, 200),
        summary: `Marked ${ids.length} replies ${handled ? 'handled' : 'not handled'}`,
        params: { count: ids.length },
      });
      return ids;
    });
    if (changed.length) this.ctx.events.emit('inbox.changed', { ids: changed });
    return changed.length;
  }
}
