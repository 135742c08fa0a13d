// The contacts domain: services for the RPC handlers and the CLI, and the functions the
// campaign planner uses to resolve audiences and reachability.
import type { EngineContext } from '../context';
import { ContactStore } from './contact-store';
import { ImportService } from './import/importer';
import { ContactService, GroupService } from './service';

export interface ContactsModule {
  contacts: ContactService;
  groups: GroupService;
  imports: ImportService;
}

export function createContactsModule(ctx: EngineContext): ContactsModule {
  const filled = new ContactStore(ctx.store.sqlite).backfillSearchText((fn) => ctx.store.transaction(fn));
  if (filled > 0)
    ctx.logger.info({ module: 'contacts', contacts: filled }, 'search text filled in for contacts stored by an earlier version');
  return { contacts: new ContactService(ctx), groups: new GroupService(ctx), imports: new ImportService(ctx) };
}

export { ContactService, GroupService } from './service';
export { ImportService } from './import/importer';
export { exportContacts } from './export';
export {
  resolveAudience,
  groupMemberIds,
  loadContacts,
  channelAddresses,
  optOutLookup,
  isDoNotContact,
  type AudienceSpec,
  type ChannelAddress,
  type BlockReason,
  type OptOutLookup,
} from './audience';
export { normalisePhone, formatPhone, type PhoneNormalisation } from './phone';
export { normaliseAddress } from './opt-outs';
