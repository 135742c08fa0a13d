// Handlers for the database's backups (Inställningar → Säkerhetskopior).
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

export function backupsHandlers({ backups }: Pick<EngineServices, 'backups'>): HandlersFor<'backups.'> {
  return {
    'backups.list': () => backups.overview(),
    'backups.create': () => backups.create(),
    'backups.restore': ({ name }) => backups.restore(name),
  };
}
