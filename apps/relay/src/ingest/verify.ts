// Signature checks for provider webhooks, done on the raw request bytes before anything in
// the body is believed. Twilio signs the public URL it was configured with, so the caller
// passes the URL rebuilt from the relay's configured public base, never the internal one.
import { timingSafeEqual } from 'node:crypto';
import twilio from 'twilio';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { constantTimeEqual } from '../store/secrets';

export type Verdict = { ok: true } | { ok: false; reason: string };

export type FormParams = Record<string, string | string[]>;

/** Form-encoded body as Twilio posts it; a repeated key keeps every value in order. */
export function parseForm(raw: Buffer): FormParams {
  const params: FormParams = {};
  for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) {
    const prev = params[k];
    params[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return params;
}

/** `form` is the body already parsed with `parseForm`, when the caller has it. */
export function verifyTwilio(
  authToken: string | null,
  signature: string | undefined,
  publicUrl: string,
  rawBody: Buffer,
  contentType: string | undefined,
  form?: FormParams,
): Verdict {
  if (!authToken) return { ok: false, reason: 'no Twilio auth token configured for this tenant' };
  if (!signature) return { ok: false, reason: 'missing X-Twilio-Signature' };
  const isJson = (contentType ?? '').includes('json');
  if (isJson) {
    return twilio.validateRequestWithBody(authToken, signature, publicUrl, rawBody.toString('utf8'))
      ? { ok: true }
      : { ok: false, reason: 'Twilio signature does not match' };
  }
  const params = form ?? (rawBody.length > 0 ? parseForm(rawBody) : {});
  // The URL exactly as configured is one of the two forms validateRequest tries first (with
  // and without the port); checked alone first, a URL that names its port costs one HMAC
  // instead of two. Anything else is left to validateRequest, so the same requests pass.
  const expected = Buffer.from(twilio.getExpectedTwilioSignature(authToken, publicUrl, params));
  const given = Buffer.from(signature);
  if (expected.length === given.length && timingSafeEqual(expected, given)) return { ok: true };
  return twilio.validateRequest(authToken, signature, publicUrl, params)
    ? { ok: true }
    : { ok: false, reason: 'Twilio signature does not match' };
}

const sendgrid = new EventWebhook();

export function verifySendgrid(
  publicKey: string | null,
  signature: string | undefined,
  timestamp: string | undefined,
  rawBody: Buffer,
): Verdict {
  if (!publicKey) return { ok: false, reason: 'no SendGrid verification key configured for this tenant' };
  if (!signature || !timestamp) return { ok: false, reason: 'missing SendGrid signature or timestamp header' };
  try {
    const key = sendgrid.convertPublicKeyToECDSA(publicKey);
    return sendgrid.verifySignature(key, rawBody, signature, timestamp)
      ? { ok: true }
      : { ok: false, reason: 'SendGrid signature does not match' };
  } catch {
    return { ok: false, reason: 'SendGrid signature or key is malformed' };
  }
}

export function verifyTelegram(secretToken: string | null, header: string | undefined): Verdict {
  if (!secretToken) return { ok: false, reason: 'no Telegram secret token configured for this tenant' };
  if (!header) return { ok: false, reason: 'missing X-Telegram-Bot-Api-Secret-Token' };
  return constantTimeEqual(secretToken, header) ? { ok: true } : { ok: false, reason: 'Telegram secret token does not match' };
}
