// Every shared entity's codec, in the order a snapshot applies them (what others refer to first).
import { syncEntityOrder } from '@gdial/protocol';
import type { EntityCodec } from '../codec';
import { alertCodec, deliveryCodec, recipientCodec } from './alerts';
import { approvalCodec } from './approvals';
import { audioCodec } from './audio';
import { preparedAlertCodec } from './prepared';
import { scheduleCodec } from './schedules';
import { segmentCodec } from './segments';
import { contactCodec, contactTagCodec, groupCodec, membershipCodec, optOutCodec } from './contacts';
import { auditCodec, inboxCodec, settingCodec } from './system';
import { templateCodec } from './templates';

export function sharedCodecs(): EntityCodec[] {
  return [
    groupCodec,
    contactCodec,
    contactTagCodec,
    membershipCodec,
    optOutCodec,
    templateCodec,
    settingCodec,
    auditCodec,
    alertCodec,
    recipientCodec,
    deliveryCodec,
    inboxCodec,
    approvalCodec,
    preparedAlertCodec,
    audioCodec,
    segmentCodec,
    scheduleCodec,
  ].sort((a, b) => syncEntityOrder[a.entity] - syncEntityOrder[b.entity]);
}
