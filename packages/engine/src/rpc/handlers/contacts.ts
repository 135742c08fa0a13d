// Handlers for contacts, groups, saved segments, import/export and opt-outs: thin adapters from validated
// RPC input to the contacts services, which own the rules and the transactions.
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

export function contactsHandlers({
  contacts,
  groups,
  imports,
  segments,
  schedules,
}: Pick<EngineServices, 'contacts' | 'groups' | 'imports' | 'segments' | 'schedules'>): HandlersFor<
  'contacts.' | 'groups.' | 'segments.' | 'schedules.'
> {
  return {
    'contacts.search': (p) => contacts.search(p),
    'contacts.get': ({ id }) => contacts.get(id),
    'contacts.create': (fields) => contacts.create(fields),
    'contacts.update': ({ id, changes }) => contacts.update(id, changes),
    'contacts.delete': ({ ids }) => ({ deleted: contacts.delete(ids) }),
    'contacts.addTags': ({ ids, tags }) => ({ changed: contacts.addTags(ids, tags) }),
    'contacts.removeTags': ({ ids, tags }) => ({ changed: contacts.removeTags(ids, tags) }),
    'contacts.setDoNotContact': ({ ids, channel, value }) => ({ changed: contacts.setDoNotContact(ids, channel, value) }),
    'contacts.tags': () => ({ tags: contacts.tags() }),
    'contacts.checkPhone': ({ number }) => contacts.checkPhone(number),
    'contacts.history': ({ id, limit }) => contacts.history(id, limit),
    'contacts.exportPersonalData': ({ id }) => contacts.exportPersonalData(id),
    'contacts.erase': ({ id }) => contacts.erase(id),
    'contacts.import.inspect': (p) => imports.inspect(p),
    'contacts.import.preview': (p) => imports.preview(p),
    'contacts.import.run': ({ importId, onDuplicate }) => imports.run(importId, onDuplicate),
    'contacts.import.cancel': ({ importId }) => ({ cancelled: imports.cancel(importId) }),
    'contacts.export': async (p) => {
      const { content: _content, ...file } = await contacts.export(p);
      return file;
    },
    'contacts.optOuts.list': (q) => ({ optOuts: contacts.listOptOuts(q) }),
    'contacts.optOuts.add': ({ channel, address, note }) => contacts.addOptOut(channel, address, 'operator', note ?? null),
    'contacts.optOuts.remove': ({ channel, address }) => ({ removed: contacts.removeOptOut(channel, address) }),
    'groups.list': () => ({ groups: groups.list() }),
    'groups.get': ({ id }) => groups.get(id),
    'groups.create': (fields) => groups.create(fields),
    'groups.update': ({ id, changes }) => groups.update(id, changes),
    'groups.delete': ({ id }) => {
      groups.delete(id);
      return { deleted: true as const };
    },
    'groups.addMembers': ({ groupId, contactIds }) => ({ added: groups.addMembers(groupId, contactIds) }),
    'groups.removeMembers': ({ groupId, contactIds }) => ({ removed: groups.removeMembers(groupId, contactIds) }),
    'segments.list': () => ({ segments: segments.list() }),
    'segments.save': (input) => segments.save(input),
    'segments.delete': ({ id }) => {
      segments.delete(id);
      return { deleted: true as const };
    },
    'segments.preview': ({ limit, ...def }) => segments.preview(def, limit),
    'segments.points': ({ limit }) => segments.points(limit),
    'schedules.list': () => ({ schedules: schedules.list() }),
    'schedules.get': ({ id }) => schedules.get(id),
    'schedules.save': (input) => schedules.save(input),
    'schedules.delete': ({ id }) => {
      schedules.delete(id);
      return { deleted: true as const };
    },
    'schedules.resolve': (p) => schedules.resolve(p),
    'schedules.onDuty': ({ at }) => schedules.onDuty(at),
  };
}
