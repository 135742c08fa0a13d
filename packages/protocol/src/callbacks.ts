// People who call back (issue #21): an inbound call to the organisation's alert number hears
// the latest alert that number was sent and can press 1 to confirm that delivery, 2 to be
// connected to the crisis room, or leave a voicemail. The desktops own the alerts, so the
// sending desktop publishes one small record per number (the delivery token and the call
// flow whose message is played) and the organisation's crisis-room number to the relay,
// which answers call-backs by itself, also while every desktop is offline.
import { z } from 'zod';
import { callFlowIdSchema } from './relay';

/** E.164 as the providers present a caller: "+" and 7–15 digits. */
export const callbackPhoneSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'A phone number in E.164 form, such as +46701234567');

export const callbackTargetSchema = z.object({
  phone: callbackPhoneSchema,
  /** The delivery a press on 1 confirms. */
  deliveryToken: z.string().min(1).max(200),
  /** The registered call flow whose message the caller hears; null when the alert has none. */
  flowId: callFlowIdSchema.nullable(),
  /** When it was sent: an older record never replaces a newer one. */
  sentAt: z.string().datetime({ offset: true }),
});
export type CallbackTarget = z.infer<typeof callbackTargetSchema>;

/** Desktop → relay: PUT /api/v1/callbacks. Absent fields are left as they are. */
export const callbackUpdateSchema = z.object({
  targets: z.array(callbackTargetSchema).max(1000).optional(),
  /** Where "press 2" connects the caller; null: nowhere (the caller is offered a voicemail). */
  crisisRoomNumber: callbackPhoneSchema.nullable().optional(),
});
export type CallbackUpdate = z.infer<typeof callbackUpdateSchema>;

/** Digits of the call-back menu. */
export const CALLBACK_DIGITS = { confirm: '1', connect: '2' } as const;

/** The relay's URLs to configure as the alert number's voice webhook. */
export function callbackVoiceUrls(publicBaseUrl: string, tenant: string, elksSecret: string | null) {
  const base = `${publicBaseUrl.replace(/\/+$/, '')}/callback/${encodeURIComponent(tenant)}`;
  return {
    twilio: `${base}/twilio`,
    elks: elksSecret === null ? null : `${base}/elks?s=${encodeURIComponent(elksSecret)}`,
  };
}
