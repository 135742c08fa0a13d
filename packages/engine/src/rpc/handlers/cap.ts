// Handlers for CAP 1.2 (import a message as a draft alert, export an alert) and the VMA
// underlag for SOS Alarm. The rules live in ../../cap.
import type { EngineServices } from '../../services';
import type { HandlersFor } from '../server';

export function capHandlers({ cap }: Pick<EngineServices, 'cap'>): HandlersFor<'cap.' | 'vma.'> {
  return {
    'cap.import': ({ xml, fileName }) => ({ campaignId: cap.import(xml, fileName).id }),
    'cap.export': ({ id }) => cap.export(id),
    'vma.underlag': (form) => cap.vmaUnderlag(form),
  };
}
