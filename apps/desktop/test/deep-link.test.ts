import { describe, expect, it } from 'vitest';
import { deepLinkFromArgv, parseDeepLink } from '../src/main/deep-link';

describe('gdial:// deep links', () => {
  it.each([
    ['gdial://campaign/123', { kind: 'campaign', campaignId: 123 }],
    ['gdial://campaign/123/', { kind: 'campaign', campaignId: 123 }],
    ['GDIAL://Campaign/7', { kind: 'campaign', campaignId: 7 }],
    ['gdial://inbox', { kind: 'page', page: 'inbox' }],
    ['gdial://contacts/', { kind: 'page', page: 'contacts' }],
    ['gdial://open', { kind: 'open' }],
    ['gdial://', { kind: 'open' }],
  ])('parses %s', (raw, route) => expect(parseDeepLink(raw)).toEqual({ ok: true, route }));

  it.each([
    ['gdial://campaign/0', /not a campaign number/],
    ['gdial://campaign/012', /not a campaign number/],
    ['gdial://campaign/-1', /not a campaign number/],
    ['gdial://campaign/1e3', /not a campaign number/],
    ['gdial://campaign/9999999999999999', /not a campaign number/],
    ['gdial://campaign/abc', /not a campaign number/],
    ['gdial://campaign', /expected gdial:\/\/campaign/],
    ['gdial://campaign/1/2', /expected/],
    ['gdial://campaign/1?start=true', /query/],
    ['gdial://campaign/1#x', /fragment/],
    ['gdial://user:pw@campaign/1', /credentials/],
    ['gdial://campaign:99/1', /port/],
    ['gdial://inbox/extra', /no further path/],
    ['gdial://format-disk', /unknown target/],
    ['https://campaign/1', /not a gdial/],
    ['javascript:alert(1)', /not a gdial/],
    ['gdial://campaign/' + '1'.repeat(300), /longer/],
    ['not a url', /valid URL/],
    [undefined, /not a link/],
  ])('refuses %s', (raw, reason) => {
    const r = parseDeepLink(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('finds the link on a second instance command line', () => {
    expect(deepLinkFromArgv(['C:\\GDial\\GDial.exe', '--allow-file-access-from-files', 'gdial://campaign/5'])).toBe('gdial://campaign/5');
    expect(deepLinkFromArgv(['/usr/bin/gdial', '--no-sandbox'])).toBeNull();
    expect(deepLinkFromArgv(['gdial', '--url=gdial://campaign/5'])).toBeNull();
  });
});
