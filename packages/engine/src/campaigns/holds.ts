// Väntar på nät: the channels whose path is down. A channel is held when its provider's
// circuit opens (sends keep failing on the path, not the person); while held nothing goes
// out on it but one probe at a time, and nobody waiting on it uses up attempts or moves
// on. The first send that gets through releases it. Holds are kept in the settings table,
// so an alert held when the engine stops is still held when it starts again.
import { channelSchema, type Channel } from '@gdial/protocol';
import { z } from 'zod';
import type { Reader, Tx } from '../store/db';
import { readSetting, writeSetting, type SettingDef } from '../store/settings';

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
