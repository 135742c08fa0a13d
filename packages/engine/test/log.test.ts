// The engine's log lines carry no personal data or secrets at any depth: nested objects,
// arrays, error messages and a child logger's bindings are redacted as the top level is.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log';

describe('engine logger', () => {
  it('masks phone numbers, e-mail addresses and personal identity numbers and censors secrets at any depth', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(chunk.toString('utf8'));
        cb();
      },
    });
    const log = createLogger({ level: 'info', destination });
    log.child({ contact: { emails: ['asa.oberg@kommun.se'] } }).warn(
      {
        request: { headers: { AUTHORIZATION: 'Basic dXNlcjpwYXNz', 'X-Api-Key': 'key-123456' } },
        recipients: [{ phone: '+46701234567', pnr: '19850709-1234' }],
        err: new Error('Twilio refused +46709876543'),
        provider: { credentials: { authToken: 'tok_abcdef123456' } },
      },
      'sending to %s failed',
      '070-123 45 67',
    );
    const out = lines.join('');
    for (const planted of [
      'asa.oberg@kommun.se',
      'dXNlcjpwYXNz',
      'key-123456',
      '46701234567',
      '19850709-1234',
      '46709876543',
      'tok_abcdef123456',
      '070-123 45 67',
    ])
      expect(out, planted).not.toContain(planted);
    const entry = JSON.parse(lines[0]!) as { err: { type: string; message: string }; msg: string };
    expect(entry.err.type).toBe('Error');
    expect(entry.err.message).toContain('+4670*****43');
  });
});
