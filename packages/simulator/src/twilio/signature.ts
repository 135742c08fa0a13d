// X-Twilio-Signature as Twilio computes it: base64(HMAC-SHA1(authToken, url + each POST
// parameter as key followed by value, sorted by key)). Repeated keys contribute each value.
import { createHmac } from 'node:crypto';
import type { FormParams } from '../http';

export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key]!;
    for (const v of Array.isArray(value) ? [...value].sort() : [value]) data += key + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}
