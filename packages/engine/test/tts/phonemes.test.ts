// Text to Piper phoneme ids. Expected IPA comes from espeak-ng's command line (`--ipa -v
// sv`) with the clause punctuation Piper adds; expected ids are written out by hand from
// Piper's rules for the fixture voice's id map; and, where sherpa-onnx-node is installed,
// a set of Swedish sentences is checked against its native port of Piper's phonemiser.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitClauses } from '../../src/tts/clauses';
import { sharedEspeak, type Espeak } from '../../src/tts/espeak';
import { dropLanguageFlags, phonemesToIds, phonemize } from '../../src/tts/phonemes';
import { fixtureIdMap } from './fixtures/piper-fixture';
import { cliIpa } from './fixtures/espeak-cli';
import { SWEDISH_SENTENCES } from './fixtures/sentences';
import { runSherpa, writeSherpaVoice } from './fixtures/sherpa';

let espeak: Espeak;
beforeAll(async () => {
  espeak = await sharedEspeak();
});

const ipa = (text: string): string[] => phonemize(text, espeak, 'sv').map((s) => s.join(''));

describe('clause splitting as espeak does it', () => {
  it.each([
    [
      'Hej, jag heter Anna.',
      [
        ['Hej,', 'comma', false],
        ['jag heter Anna.', 'period', true],
      ],
    ],
    [
      'Är du där?! Ja.',
      [
        ['Är du där?!', 'question', true],
        ['Ja.', 'period', true],
      ],
    ],
    ['Se t.ex. sidan tre.', [['Se t.ex. sidan tre.', 'period', true]]],
    ['Klockan 14.30 i dag.', [['Klockan 14.30 i dag.', 'period', true]]],
    [
      'Vänta... sedan gå.',
      [
        ['Vänta...', 'none', false],
        ['sedan gå.', 'period', true],
      ],
    ],
    [
      'Gå in – stäng fönster.',
      [
        ['Gå in –', 'semicolon', false],
        ['stäng fönster.', 'period', true],
      ],
    ],
    ['Gå in - stäng fönster.', [['Gå in - stäng fönster.', 'period', true]]],
    [
      'Obs: läs detta; sedan',
      [
        ['Obs:', 'colon', false],
        ['läs detta;', 'semicolon', false],
        ['sedan', 'none', true],
      ],
    ],
    [
      'Första stycket.\n\nAndra',
      [
        ['Första stycket.', 'none', true],
        ['Andra', 'none', true],
      ],
    ],
    [
      'Rubrik\n\nText här',
      [
        ['Rubrik', 'none', true],
        ['Text här', 'none', true],
      ],
    ],
    [
      'Han sa "stopp." Sedan gick han.',
      [
        ['Han sa "stopp.', 'period', true],
        ['" Sedan gick han.', 'period', true],
      ],
    ],
    ['. , Hej', [['. , Hej', 'none', true]]],
  ] as const)('%j', (text, expected) => {
    expect(splitClauses(text).map((c) => [c.text, c.end, c.endsSentence])).toEqual(expected);
  });
});

describe('Piper phonemisation with espeak-ng', () => {
  it('matches espeak --ipa output with Piper punctuation and sentence breaks', () => {
    expect(ipa('Hej, jag heter Anna och jag bor i Göteborg.')).toEqual(['hˈɛj, jɑːɡ hˈeːtər ˈana ɔk jɑːɡ bˈuːr iː jˈøːtəbˌɔrj.']);
    expect(ipa('Viktigt meddelande till allmänheten. Gå inomhus och stäng dörrar, fönster och ventilation!')).toEqual([
      'vˈɪktɪkt mˈeːdəlˌandə tɪl ˈalmənhˌeːtən.',
      'ɡˈoː ˈiːnɔmhˌʉs ɔk stˈɛŋ dˈœrar, fˈœnstər ɔk vˌɛntiːlasxˈuːn!',
    ]);
    expect(ipa('Är du där? Ja.')).toEqual(['ɛːr dʉ dˈɛːr?', 'jˈɑː.']);
  });

  it('gives, clause by clause, exactly what the espeak-ng command line prints with --ipa', async () => {
    for (const text of [
      SWEDISH_SENTENCES[1]!,
      SWEDISH_SENTENCES[6]!,
      SWEDISH_SENTENCES[7]!,
      '-5 grader i natt, Göteborg.',
      'Är du där? Ja.',
    ]) {
      const ours = splitClauses(text).map((c) => espeak.clausePhonemes(c.text, 'sv'));
      expect(ours, text).toEqual(await cliIpa(text));
    }
  }, 30_000);

  it('produces the ids Piper would, computed by hand', () => {
    const map = fixtureIdMap();
    // "Hej." → h ˈ ɛ j . → ^ _ h _ ˈ _ ɛ _ j _ . _ $
    const [hej] = phonemize('Hej.', espeak, 'sv');
    expect(phonemesToIds(hej!, map).ids).toEqual([1, 0, 20, 0, 120, 0, 61, 0, 22, 0, 10, 0, 2]);
    // "Är du där? Ja." → two sentences: "ɛːr dʉ dˈɛːr?" and "jˈɑː."
    const [q, a] = phonemize('Är du där? Ja.', espeak, 'sv');
    expect(phonemesToIds(q!, map).ids).toEqual([
      1, 0, 61, 0, 122, 0, 30, 0, 3, 0, 17, 0, 99, 0, 3, 0, 17, 0, 120, 0, 61, 0, 122, 0, 30, 0, 13, 0, 2,
    ]);
    expect(phonemesToIds(a!, map).ids).toEqual([1, 0, 22, 0, 120, 0, 51, 0, 122, 0, 10, 0, 2]);
  });

  it('decomposes phonemes to NFD codepoints, applies the phoneme map and skips unknown phonemes', () => {
    // espeak's Swedish sj-sound comes out as "sx"; a voice may map it to one symbol.
    const mapped = phonemize('Station.', espeak, 'sv', { x: ['ɧ'], s: [] });
    expect(mapped[0]).not.toContain('x');
    expect(mapped[0]).toContain('ɧ');
    const small = { _: [0], '^': [1], $: [2], a: [5] };
    const { ids, missing } = phonemesToIds(['h', 'a', 'j'], small);
    expect(ids).toEqual([1, 0, 5, 0, 2]);
    expect(Object.fromEntries(missing)).toEqual({ h: 1, j: 1 });
    expect('ç'.normalize('NFD')).toHaveLength(2);
    expect(() => phonemesToIds(['a'], { a: [1] })).toThrow(/_ \^ \$/);
  });

  it('drops language-switch flags', () => {
    expect(dropLanguageFlags('(en)hˈɛlə(sv) ɔk')).toBe('hˈɛlə ɔk');
  });

  it('keeps one espeak instance for the process', async () => {
    expect(await sharedEspeak()).toBe(espeak);
  });
});

const require = createRequire(import.meta.url);
const hasSherpa = (() => {
  try {
    require.resolve('sherpa-onnx-node');
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasSherpa)('agreement with sherpa-onnx native phonemiser', () => {
  it('gives the same phoneme ids for Swedish alert sentences', async () => {
    const dir = await writeSherpaVoice(path.join(mkdtempSync(path.join(os.tmpdir(), 'gdial-sherpa-')), 'voice'), { kind: 'probe' });
    const run = runSherpa(dir, SWEDISH_SENTENCES);
    expect(run.ok, `sherpa child failed (exit ${run.exitCode}): ${run.stderr.slice(0, 500)}`).toBe(true);
    const map = fixtureIdMap();
    SWEDISH_SENTENCES.forEach((text, i) => {
      // The probe model returns each sentence's ids as its samples; sherpa concatenates sentences.
      const ours = phonemize(text, espeak, 'sv').flatMap((s) => phonemesToIds(s, map).ids);
      expect(run.results[i]?.samples, text).toEqual(ours);
    });
  }, 60_000);
});
