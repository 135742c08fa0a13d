// How the engine reaches the outside world: the relay stream and the configured providers.
// The console shows this on the dashboard and in settings; an operator must be able to see
// at a glance whether alerts can go out and whether statuses are coming back.
import { z } from 'zod';
import { method } from './rpc-core';
import { channels } from './contacts';

export const relayStatuses = ['not-configured', 'stopped', 'connecting', 'connected', 'reconnecting', 'resync-required', 'unauthorized'] as const;

export const relayStateSchema = z.object({
  status: z.enum(relayStatuses),
  url: z.string().nullable(),
  /** When the current status began (connected since, refused since…). */
  since: z.string().nullable(),
  /** When the connection was last lost, while it is not back. */
  offlineSince: z.string().nullable(),
  /** The last problem in words, e.g. why a reconnect is needed. */
  detail: z.string().nullable(),
  /** The next reconnect attempt, while reconnecting. */
  retryAt: z.string().nullable(),
});
export type RelayState = z.infer<typeof relayStateSchema>;

export const channelStatusSchema = z.object({
  channel: z.enum(channels),
  configured: z.boolean(),
  /** "twilio", "sendgrid", "telegram", or null when the channel has no provider. */
  provider: z.string().nullable(),
});

export const connectivityStatusSchema = z.object({
  demo: z.boolean(),
  relay: relayStateSchema,
  channels: z.array(channelStatusSchema),
});
export type ConnectivityStatus = z.infer<typeof connectivityStatusSchema>;

export const connectivityMethods = {
  'connectivity.status': method(z.object({}), connectivityStatusSchema),
};

export const connectivityEvents = {
  'connectivity.changed': connectivityStatusSchema,
};
