// Pieces shared by the simulated Twilio Messages and Calls APIs: Twilio's error body,
// address rules, per-key pacing (sender throughput, calls per second) and the SMS segment
// count Twilio reports in num_segments.
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http';

export const API_VERSION = '2010-04-01';

export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendTwilioError(res: ServerResponse, error: TwilioApiError): void {
  sendJson(
    res,
    error.status,
    { code: error.code, message: error.message, more_info: `https://www.twilio.com/docs/errors/${error.code}`, status: error.status },
    error.headers,
  );
}

export const E164 = /^\+[1-9]\d{6,14}$/;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/** Splits `whatsapp:+46…` into its channel and bare address. */
export function splitAddress(address: string): { channel: 'sms' | 'whatsapp'; number: string } {
  return address.startsWith('whatsapp:') ? { channel: 'whatsapp', number: address.slice(9) } : { channel: 'sms', number: address };
}

export const isValidSender = (number: string, channel: 'sms' | 'whatsapp'): boolean =>
  E164.test(number) || (channel === 'sms' && ALPHANUMERIC_SENDER.test(number));

/**
 * Paces work per key at `ratePerSecond` like a token bucket holding `burst` units (one
 * second's worth by default): a burst starts at once, the rest is spaced evenly.
 */
export class Pacer {
  private readonly next = new Map<string, number>();

  /** Milliseconds from now until a unit for `key` may start; reserves that slot. */
  reserve(key: string, ratePerSecond: number, now: number, burst = Math.max(1, ratePerSecond)): number {
    const interval = 1000 / ratePerSecond;
    const earliest = Math.max(now - (burst - 1) * interval, this.next.get(key) ?? -Infinity);
    this.next.set(key, earliest + interval);
    return Math.max(0, earliest - now);
  }

  /** The delay the next unit would get, without reserving it. */
  peek(key: string, ratePerSecond: number, now: number, burst = Math.max(1, ratePerSecond)): number {
    const interval = 1000 / ratePerSecond;
    return Math.max(0, Math.max(now - (burst - 1) * interval, this.next.get(key) ?? -Infinity) - now);
  }

  clear(): void {
    this.next.clear();
  }
}

// GSM 03.38 basic set and extension table, for num_segments.
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export function countSegments(body: string): number {
  let septets = 0;
  let gsm = true;
  for (const ch of body) {
    if (GSM_BASIC.has(ch)) septets += 1;
    else if (GSM_EXTENSION.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
}
