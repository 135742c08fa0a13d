import { describe, expect, it } from 'vitest';
import { callFlowPlaceholders, callFlowRegistrationSchema } from '@gdial/protocol';
import { buildCallFlow } from '../../src/providers';

describe('buildCallFlow', () => {
  it('produces the four documents the relay registers, gathering one key at the placeholder URL', () => {
    const flow = buildCallFlow({ message: { sayText: 'Det brinner i kvarteret <Norr> & Söder.' }, maxAttempts: 3 });
    expect(callFlowRegistrationSchema.safeParse({ flowId: 'f1', ...flow }).success).toBe(true);
    expect(flow).toMatchObject({ confirmDigits: ['1'], maxAttempts: 3 });
    expect(flow.documents.start).toContain(`action="${callFlowPlaceholders.gatherUrl}"`);
    expect(flow.documents.start).toContain('<Gather input="dtmf" numDigits="1"');
    expect(flow.documents.start).toContain('actionOnEmptyResult="true"');
    expect(flow.documents.start).toContain('language="sv-SE"');
    expect(flow.documents.start).toContain('kvarteret &lt;Norr&gt; &amp; Söder.');
    expect(flow.documents.retry).toContain('<Gather');
    expect(flow.documents.confirmed).toMatch(/<Hangup\/><\/Response>$/);
    expect(flow.documents.goodbye).toMatch(/Hej då\.<\/Say><Hangup\/>/);
  });

  it('plays recorded audio and escapes a fixed gather URL', () => {
    const flow = buildCallFlow({
      message: { audioUrl: 'https://relay.example/media/a.wav?x=1&y=2' },
      gatherUrl: 'https://relay.example/g?d=1&a=2',
      confirmDigits: ['1', '2'],
    });
    expect(flow.documents.start).toContain('<Play>https://relay.example/media/a.wav?x=1&amp;y=2</Play>');
    expect(flow.documents.start).toContain('action="https://relay.example/g?d=1&amp;a=2"');
    expect(flow.confirmDigits).toEqual(['1', '2']);
  });

  it('refuses specs that cannot work', () => {
    expect(() => buildCallFlow({ message: { sayText: '  ' } })).toThrow(/empty/);
    expect(() => buildCallFlow({ message: { sayText: 'x' }, confirmDigits: ['12'] })).toThrow(/single keys/);
    expect(() => buildCallFlow({ message: { sayText: 'x' }, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => buildCallFlow({ message: { audioUrl: 'file:///etc/passwd' } })).toThrow(/http/);
  });
});
