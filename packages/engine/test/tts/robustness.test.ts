// Whatever an operator pastes into the message box, normalisation and phonemisation must
// not throw: a crash here would leave an alert without audio.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedEspeak, type Espeak } from '../../src/tts/espeak';
import { normaliseSwedish } from '../../src/tts/normalise/swedish';
import { phonemesToIds, phonemize } from '../../src/tts/phonemes';
import { fixtureIdMap } from './fixtures/piper-fixture';

let espeak: Espeak;
beforeAll(async () => {
  espeak = await sharedEspeak();
});

// Text made of the pieces alerts are made of, in any order and spacing.
const alertish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'kl.',
        'kl',
        'den',
        'mars',
        'SMHI',
        'VMA',
        't.ex.',
        'm.m.',
        'nr',
        'ca',
        '°C',
        'km/h',
        '%',
        'Storgatan',
        'E4',
        '+46',
        '112',
        '–',
        '-',
        '/',
        ':',
        '.',
        ',',
        '?!',
        '...',
        '\n\n',
        '"',
        '(',
        ')',
        '&',
        '§',
      ),
      fc.integer({ min: -100000, max: 10_000_000_000_000 }).map(String),
      fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a}.${b}`),
      fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a}/${b}`),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 25 },
  )
  .chain((parts) =>
    fc
      .array(fc.constantFrom(' ', '', '  ', '\n'), { minLength: parts.length, maxLength: parts.length })
      .map((gaps) => parts.map((p, i) => p + gaps[i]).join('')),
  );

describe('robustness', () => {
  it('normalises and phonemises any alert-like text without throwing', () => {
    const map = fixtureIdMap();
    const valid = new Set(Object.values(map).flat());
    fc.assert(
      fc.property(alertish, (text) => {
        const normal = normaliseSwedish(text);
        for (const sentence of phonemize(normal, espeak, 'sv')) {
          for (const id of phonemesToIds(sentence, map).ids) expect(valid.has(id)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('survives arbitrary Unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), (text) => {
        phonemize(normaliseSwedish(text), espeak, 'sv');
      }),
      { numRuns: 200 },
    );
  });
});
