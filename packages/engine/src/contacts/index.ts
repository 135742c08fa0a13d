// The contacts domain: services for the RPC handlers and the CLI, and the functions the
// campaign planner uses to resolve audiences and reachability.
import type { EngineContext } from '../context';
import { GroupService } from './groups';
import { ImportService } from './import/importer';
import { ContactSearchIndex } from './search/search-index';
import { ScheduleService } from './schedules';
import { SegmentService } from './segments';
import { ContactService } from './service';

export interface ContactsModule {
  contacts: ContactService;
  groups: GroupService;
  imports: ImportService;
  segments: SegmentService;
  schedules: ScheduleService;
}

/** The contacts services over one store, with the search index they share (built on first search). */
export function createContactsModule(ctx: EngineContext): ContactsModule {
  const searchIndex = new ContactSearchIndex(ctx.store);
  return {
    contacts: new ContactService(ctx, searchIndex),
    groups: new GroupService(ctx),
    imports: new ImportService(ctx),
    segments: new SegmentService(ctx),
    schedules: new ScheduleService(ctx),
  };
}

export { ContactService } from './service';
export { GroupService } from './groups';
export { SegmentService } from './segments';
export { ScheduleService } from './schedules';
export { ImportService } from './import/importer';
export { exportContacts } from './export';
export { resolveAudience, groupMemberIds, loadContacts, type AudienceSpec } from './audience';
export {
  reach,
  type AddressChoice,
  type BlockReason,
  type ChannelAddress,
  type Reach,
  type ReachableContact,
  type UsedAddresses,
} from './reachability';
export { normaliseAddress, optOutLookup, type OptOutLookup } from './opt-outs';
export { normalisePhone, formatPhone, type PhoneNormalisation } from './phone';
