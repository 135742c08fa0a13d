// The whole RPC contract: every method the UI may call on the engine and every event
// the engine pushes. Each domain declares its part in its own file; this merges them.
import type { z } from 'zod';
import type { MethodSpec } from './rpc-core';
import { afterActionEvents, afterActionMethods } from './after-action';
import { aiMethods } from './ai';
import { analyticsMethods } from './analytics';
import { apiKeysMethods } from './api-keys';
import { approvalsEvents, approvalsMethods } from './approvals';
import { backupsEvents, backupsMethods } from './backups';
import { campaignsEvents, campaignsMethods } from './campaigns';
import { capMethods } from './cap';
import { connectivityEvents, connectivityMethods } from './connectivity';
import { contactsEvents, contactsMethods } from './contacts';
import { conversationsMethods } from './conversations';
import { personHistoryMethods } from './person-history';
import { healthEvents, healthMethods } from './health';
import { notificationsMethods } from './notifications';
import { identityEvents, identityMethods } from './identity';
import { webhookMethods } from './outgoing-webhooks';
import { preparedAlertsEvents, preparedAlertsMethods } from './prepared-alerts';
import { segmentsEvents, segmentsMethods } from './segments';
import { schedulesEvents, schedulesMethods } from './schedules';
import { syncEvents, syncMethods } from './sync-rpc';
import { systemEvents, systemMethods } from './system';
import { ttsEvents, ttsMethods } from './tts';

export const methods = {
  ...systemMethods,
  ...ttsMethods,
  ...contactsMethods,
  ...personHistoryMethods,
  ...campaignsMethods,
  ...conversationsMethods,
  ...afterActionMethods,
  ...analyticsMethods,
  ...approvalsMethods,
  ...preparedAlertsMethods,
  ...segmentsMethods,
  ...schedulesMethods,
  ...connectivityMethods,
  ...syncMethods,
  ...backupsMethods,
  ...healthMethods,
  ...notificationsMethods,
  ...identityMethods,
  ...capMethods,
  ...apiKeysMethods,
  ...webhookMethods,
  ...aiMethods,
} satisfies Record<string, MethodSpec>;

export const events = {
  ...systemEvents,
  ...ttsEvents,
  ...contactsEvents,
  ...campaignsEvents,
  ...afterActionEvents,
  ...approvalsEvents,
  ...preparedAlertsEvents,
  ...segmentsEvents,
  ...schedulesEvents,
  ...connectivityEvents,
  ...syncEvents,
  ...backupsEvents,
  ...healthEvents,
  ...identityEvents,
} satisfies Record<string, z.ZodType>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParams<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const isMethodName = (name: string): name is MethodName => Object.hasOwn(methods, name);
export const isEventName = (name: string): name is EventName => Object.hasOwn(events, name);
