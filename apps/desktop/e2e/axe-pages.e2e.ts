// axe-core over the whole page — header, menu, main area and any banner — for every page of
// the console, in Swedish and English, light and dark, against the demo world with an alert
// and a prepared alert in it, a segment, an on-call schedule with nightly gaps and a conversation
// with an answer. The pages are read from the console's own page list (pageList.ts), so a page
// added there is scanned here without anyone remembering to. Fails on any serious or critical violation; every result is
// kept under artifacts/axe/pages-<scheme>-<language>-<page>.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FROM } from '../src/web/demo';
import { ARTIFACTS, openConsole, type Console } from './harness';

// The ids of pageList's entries (`spec('segments', …)`), in navigation order. Read as text: the
// module imports the pages' React code, which this Node-side test does not load.
const PAGE_LIST = path.resolve(import.meta.dirname, '../../../packages/ui/src/pages/pageList.ts');
const PAGES = [...readFileSync(PAGE_LIST, 'utf8').matchAll(/\bspec\(\s*'([a-z-]+)'/g)].map((m) => m[1]!);

let c: Console;
beforeAll(async () => {
  c = await openConsole({ demo: 'fast', operator: 'Karin Lind' });
  const call = async <T>(method: string, params: unknown): Promise<T> => {
    const r = await c.host.engine.rpc.call(method, params);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as T;
  };
  const group = await call<{ id: number }>('groups.create', { name: 'Räddning' });
  const anna = await call<{ id: number }>('contacts.create', {
    firstName: 'Anna',
    lastName: 'Berg',
    phones: [{ number: '0701234561' }],
    groupIds: [group.id],
  });
  const tpl = await call<{ id: number }>('templates.create', { name: 'Brand', variants: { sv: { sms: 'Brand. Svara 1.' } } });
  await call('templates.approve', { id: tpl.id });
  const fields = { name: 'Brand – samling', templateId: tpl.id, audience: { groupIds: [group.id] }, steps: [{ channel: 'sms' }] };
  await call('preparedAlerts.save', { fields });
  const alert = await call<{ id: number }>('campaigns.create', fields);
  await call('campaigns.start', { id: alert.id });
  await call('segments.save', { name: 'Räddning i tjänst', rules: [{ kind: 'group', groupIds: [group.id] }] });
  // Daytime only: every night is a gap the page warns about.
  await call('schedules.save', {
    name: 'Räddningsledare',
    layers: [
      {
        name: 'Dagtid',
        people: [anna.id],
        start: '2026-12-07T08:00',
        turnLength: 1,
        turnUnit: 'days',
        restriction: { kind: 'daily', from: '08:00', to: '17:00' },
      },
    ],
  });
  // A thread: Anna writes back and the operator answers.
  for (let i = 0; i < 600 && (await call<{ status: string }>('campaigns.get', { id: alert.id })).status !== 'completed'; i++)
    await new Promise((r) => setTimeout(r, 100));
  await c.host.demo!.simulator.injectInboundMessage({ from: '+46701234561', to: DEMO_FROM, body: 'Var ska vi samlas?' });
  let threads: { key: unknown }[] = [];
  for (let i = 0; i < 300 && threads.length === 0; i++) {
    threads = (await call<{ conversations: { key: unknown }[] }>('conversations.list', {})).conversations;
    if (threads.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  await call('conversations.reply', { key: threads[0]!.key, text: 'Vid stationen.' });
  await c.page
    .getByRole('status')
    .filter({ hasText: /Ansluten till motorn/ })
    .waitFor();
});
afterAll(async () => {
  await c?.close();
});

async function scan(page: Page, name: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  mkdirSync(path.join(ARTIFACTS, 'axe'), { recursive: true });
  writeFileSync(path.join(ARTIFACTS, 'axe', `pages-${name}.json`), JSON.stringify(results.violations, null, 2));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: ${v.id} (${v.impact}) — ${v.nodes.map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`).join(' | ')}`);
}

async function setScheme(page: Page, scheme: 'Ljust' | 'Mörkt' | 'Light' | 'Dark'): Promise<void> {
  await page.goto(`${c.host.url}#/settings`);
  await page.getByRole('radio', { name: scheme }).dispatchEvent('click');
  const want = scheme === 'Mörkt' || scheme === 'Dark' ? 'dark' : 'light';
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.mantineColorScheme)).toBe(want);
}

describe('every page passes axe, whole page, in both languages and both themes', () => {
  for (const [scheme, language] of [
    ['light', 'sv'],
    ['dark', 'sv'],
    ['dark', 'en'],
    ['light', 'en'],
  ] as const) {
    it(`${scheme} · ${language}`, async () => {
      const { page } = c;
      const current = await page.evaluate(() => document.documentElement.lang || 'sv');
      if (current !== language) {
        await page.getByRole('button', { name: language === 'en' ? 'Switch to English' : 'Byt till svenska' }).click();
        await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(language);
      }
      await setScheme(page, language === 'sv' ? (scheme === 'dark' ? 'Mörkt' : 'Ljust') : scheme === 'dark' ? 'Dark' : 'Light');
      const problems: string[] = [];
      for (const p of PAGES) {
        await page.goto(`${c.host.url}#/${p}`);
        await page.locator('main h2').first().waitFor();
        await page.evaluate(async () => {
          await new Promise((r) => setTimeout(r, 300));
          await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
        });
        problems.push(...(await scan(page, `${scheme}-${language}-${p}`)));
      }
      expect(problems).toEqual([]);
    });
  }
});
