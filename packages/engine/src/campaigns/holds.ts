// Väntar på nät: the channels whose path is down. A channel is held when its provider's
// circuit opens (sends keep failing on the path, not the person); while held nothing goes
// out on it but one probe at a time, and nobody waiting on it uses up attempts or moves
// on. The first send that gets through releases it. Holds are kept in the settings table,
// so an alert held when the engine stops is still held when it starts again.
import { channelSchema, type Channel } from '@gdial/protocol';
import { z } from 'zod';
import type { Reader, Tx } from '../store/db';
import { readSetting, writeSetting, type SettingDef } from '../store/settings';
import { readState, uidOf } from '../store/sync';

const holdSchema = z.object({ since: z.number(), provider: z.string(), message: z.string() });
export type ChannelHold = z.infer<typeof holdSchema>;

export const heldChannelsSetting: SettingDef<Partial<Record<Channel, ChannelHold>>> = {
  key: 'campaigns.heldChannels',
  schema: z.partialRecord(channelSchema, holdSchema),
  fallback: {},
};

export class ChannelHolds {
  private holds: Partial<Record<Channel, ChannelHold>> = {};

  /** Reads the holds a previous run left. */
  load(r: Reader): Partial<Record<Channel, ChannelHold>> {
    this.holds = { ...readSetting(r, heldChannelsSetting) };
    return this.holds;
  }

  get(channel: Channel): ChannelHold | undefined {
    return this.holds[channel];
  }

  all(): [Channel, ChannelHold][] {
    return Object.entries(this.holds) as [Channel, ChannelHold][];
  }

  /** Holds a channel (kept as it is when already held); true when it was not held before. */
  hold(tx: Tx, channel: Channel, h: ChannelHold): boolean {
    if (this.holds[channel]) return false;
    this.holds = { ...this.holds, [channel]: h };
    writeSetting(tx, heldChannelsSetting, this.holds);
    return true;
  }

  /** Releases a channel; true when it was held. */
  release(tx: Tx, channel: Channel): boolean {
    if (!this.holds[channel]) return false;
    const { [channel]: _gone, ...rest } = this.holds;
    this.holds = rest;
    writeSetting(tx, heldChannelsSetting, this.holds);
    return true;
  }
}

/** The holds as an alert shares them: the desktop running it tells the others which of its channels wait. */
const sharedHoldsSchema = z.array(holdSchema.extend({ channel: channelSchema }));
export type SharedHolds = z.infer<typeof sharedHoldsSchema>;

/** This desktop's holds, as a live alert it runs shares them (by channel, so they compare equal). */
export const sharedHolds = (r: Reader): SharedHolds =>
  (Object.entries(readSetting(r, heldChannelsSetting)) as [Channel, ChannelHold][])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([channel, h]) => ({ channel, since: h.since, provider: h.provider, message: h.message }));

/** The holds of the desktop that runs an alert another desktop runs, as its operations last said. */
export function holdsOfReplica(r: Reader, campaignId: number): [Channel, ChannelHold][] {
  const uid = uidOf(r, 'alert', campaignId);
  const held = uid === null ? undefined : readState(r, 'alert', uid)?.fields.held?.v;
  const parsed = sharedHoldsSchema.safeParse(held ?? []);
  return parsed.success ? parsed.data.map(({ channel, ...h }) => [channel, h]) : [];
}
