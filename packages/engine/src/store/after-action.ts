// The reads of an alert's after-action report: figures per channel and per provider, what was
// handed over (for the cost), each person's confirmation, and who was not reached. One query
// each over the alert's deliveries or recipients (indexed by campaign).
import type { Channel } from '@gdial/protocol';
import type { Reader } from './db';

export interface ChannelFigureRow {
  channel: Channel;
  deliveries: number;
  handed_over: number;
  delivered: number;
  failed: number;
}

export const channelFigures = (r: Reader, campaignId: number): ChannelFigureRow[] =>
  r.statements
    .get<[number], ChannelFigureRow>(
      `SELECT channel, COUNT(*) AS deliveries, COUNT(sent_at) AS handed_over,
              SUM(state = 'delivered') AS delivered, SUM(state = 'failed') AS failed
         FROM deliveries WHERE campaign_id = ? GROUP BY channel ORDER BY channel`,
    )
    .all(campaignId);

export interface ProviderFigureRow {
  provider: string;
  handed_over: number;
  delivered: number;
  failed: number;
}

export const providerFigures = (r: Reader, campaignId: number): ProviderFigureRow[] =>
  r.statements
    .get<[number], ProviderFigureRow>(
      `SELECT provider, COUNT(sent_at) AS handed_over, SUM(state = 'delivered') AS delivered, SUM(state = 'failed') AS failed
         FROM deliveries WHERE campaign_id = ? AND provider IS NOT NULL GROUP BY provider ORDER BY provider`,
    )
    .all(campaignId);

export const providerErrorCodes = (r: Reader, campaignId: number): { provider: string; code: string; n: number }[] =>
  r.statements
    .get<[number], { provider: string; code: string; n: number }>(
      `SELECT provider, error_code AS code, COUNT(*) AS n FROM deliveries
        WHERE campaign_id = ? AND provider IS NOT NULL AND state = 'failed' AND error_code IS NOT NULL
        GROUP BY provider, error_code ORDER BY provider, n DESC, error_code`,
    )
    .all(campaignId);

/** What was handed over to a provider, for the cost. */
export const handedOver = (r: Reader, campaignId: number): { channel: Channel; address: string; segments: number; state: string }[] =>
  r.statements
    .get<[number], { channel: Channel; address: string; segments: number; state: string }>(
      'SELECT channel, address, segments, state FROM deliveries WHERE campaign_id = ? AND sent_at IS NOT NULL',
    )
    .all(campaignId);

export const confirmations = (r: Reader, campaignId: number): { id: number; confirmed_at: string; confirmed_via: string | null }[] =>
  r.statements
    .get<[number], { id: number; confirmed_at: string; confirmed_via: string | null }>(
      'SELECT id, confirmed_at, confirmed_via FROM campaign_recipients WHERE campaign_id = ? AND confirmed_at IS NOT NULL',
    )
    .all(campaignId);
