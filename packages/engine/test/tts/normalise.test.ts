// The Swedish normaliser, case by case: each row is what an operator types and what the
// voice will read. The rows document the behaviour; add one when a new case comes up.
import { describe, expect, it } from 'vitest';
import { normaliseSwedish } from '../../src/tts/normalise/swedish';
import { cardinal, decimal, digitByDigit, ordinal, year } from '../../src/tts/normalise/numbers';

const table: [category: string, input: string, expected: string][] = [
  // Clock times
  ['time', 'Samling kl. 14.30 vid skolan.', 'Samling klockan fjorton och trettio vid skolan.'],
  ['time', 'Samling kl 14:30.', 'Samling klockan fjorton och trettio.'],
  ['time', 'Mötet börjar 14:30.', 'Mötet börjar fjorton och trettio.'],
  ['time', 'Klockan 8 öppnar vi.', 'klockan åtta öppnar vi.'],
  ['time', 'Senast kl. 08.05 i morgon.', 'Senast klockan åtta noll fem i morgon.'],
  ['time', 'Öppet 08.00–16.00 i dag.', 'Öppet åtta till sexton i dag.'],
  ['time', 'Stängt från 18.15 i kväll.', 'Stängt från arton och femton i kväll.'],
  ['time', 'Öppet kl. 14.30–16.00.', 'Öppet klockan fjorton och trettio till sexton.'],
  ['time', 'Mötet 09:00 i aulan.', 'Mötet nio i aulan.'],
  // Dates
  ['date', 'Vattnet stängs av 24/12.', 'Vattnet stängs av tjugofjärde december.'],
  ['date', 'Från och med den 3 mars 2026 gäller nya regler.', 'Från och med den tredje mars tvåtusentjugosex gäller nya regler.'],
  ['date', 'Senast den 1 jan.', 'Senast den första januari'],
  ['date', 'Prognos för 2026-12-24.', 'Prognos för tjugofjärde december tvåtusentjugosex.'],
  ['date', 'Beslut 31/5 2025.', 'Beslut trettioförsta maj tvåtusentjugofem.'],
  ['date', 'Det är den 3:e varningen.', 'Det är den tredje varningen.'],
  ['date', 'Ovädret år 1998 var värre.', 'Ovädret år nittonhundranittioåtta var värre.'],
  ['date', 'Så har det varit sedan 2020.', 'Så har det varit sedan tvåtusentjugo.'],
  ['number', 'Hela 1998 personer flyttade.', 'Hela tusen niohundranittioåtta personer flyttade.'],
  // Phone numbers, digit by digit in groups
  ['phone', 'Ring 112 vid nödläge.', 'Ring ett ett två vid nödläge.'],
  ['phone', 'Frågor? Ring 113 13.', 'Frågor? Ring ett ett tre, ett tre.'],
  ['phone', 'Polisen nås på 114 14.', 'Polisen nås på ett ett fyra, ett fyra.'],
  ['phone', 'Kontakta oss på 070-123 45 67.', 'Kontakta oss på noll sju noll, ett två tre, fyra fem, sex sju.'],
  ['phone', 'Nummer 08-123 456 78 gäller.', 'Nummer noll åtta, ett två tre, fyra fem sex, sju åtta gäller.'],
  ['phone', 'Ring 0701234567.', 'Ring noll sju noll, ett två tre, fyra fem, sex sju.'],
  ['phone', 'Ring +46 8 123 456 78.', 'Ring plus fyra sex, åtta, ett två tre, fyra fem sex, sju åtta.'],
  ['phone', 'Vårdguiden 1177 svarar dygnet runt.', 'Vårdguiden elva sjuttiosju svarar dygnet runt.'],
  // Numbers with units
  ['unit', 'Evakuera inom 5 km från fabriken.', 'Evakuera inom fem kilometer från fabriken.'],
  ['unit', 'Temperaturen är -12 °C i natt.', 'Temperaturen är minus tolv grader i natt.'],
  ['unit', 'Det blir -1°C.', 'Det blir minus en grad.'],
  ['unit', 'Håll 50 km/h genom området.', 'Håll femtio kilometer i timmen genom området.'],
  ['unit', 'Räkna med 30 % högre flöden.', 'Räkna med trettio procent högre flöden.'],
  ['unit', 'Räkna med 30% högre flöden.', 'Räkna med trettio procent högre flöden.'],
  ['unit', 'Vinden når 25 m/s.', 'Vinden når tjugofem meter per sekund.'],
  ['unit', 'Vattennivån steg 1,5 m.', 'Vattennivån steg ett komma fem meter.'],
  ['unit', 'Samla 3 st. filtar.', 'Samla tre stycken filtar.'],
  ['unit', 'Avgiften är 1 kr.', 'Avgiften är en krona.'],
  ['unit', 'Det tar 45 min.', 'Det tar fyrtiofem minuter.'],
  ['unit', 'Byvind 10–15 m/s.', 'Byvind tio till femton meter per sekund.'],
  ['unit', 'Räkna med 2,5 % mer.', 'Räkna med två komma fem procent mer.'],
  ['unit', 'Frost, −5° i natt.', 'Frost, minus fem grader i natt.'],
  // Abbreviations
  [
    'abbreviation',
    'Ta med t.ex. ficklampa, radio m.m. Vänta på besked.',
    'Ta med till exempel ficklampa, radio med mera. Vänta på besked.',
  ],
  ['abbreviation', 'Det gäller ca 200 hushåll.', 'Det gäller cirka tvåhundra hushåll.'],
  ['abbreviation', 'Gå till entré nr 5.', 'Gå till entré nummer fem.'],
  ['abbreviation', 'Bl.a. skolor berörs.', 'Bland annat skolor berörs.'],
  ['abbreviation', 'Stängt fr.o.m. måndag t.o.m. fredag.', 'Stängt från och med måndag till och med fredag.'],
  ['abbreviation', 'Det gäller alla, dvs. hela kommunen.', 'Det gäller alla, det vill säga hela kommunen.'],
  // Acronyms
  ['acronym', 'SMHI varnar för storm.', 'ess emm hå i varnar för storm.'],
  ['acronym', 'Bl.a. SMHI och MSB varnar.', 'Bland annat ess emm hå i och emm ess be varnar.'],
  ['acronym', 'VMA: Viktigt meddelande till allmänheten.', 've emm a: Viktigt meddelande till allmänheten.'],
  ['acronym', 'Enligt NATO är läget lugnt.', 'Enligt Nato är läget lugnt.'],
  ['acronym', 'VIKTIGT MEDDELANDE FRÅN SMHI', 'Viktigt Meddelande Från ess emm hå i'],
  // Addresses
  ['address', 'Samling på Storgatan 12B.', 'Samling på Storgatan tolv be.'],
  ['address', 'Storgatan 3 och Kungsvägen 14 A berörs.', 'Storgatan tre och Kungsvägen fjorton a berörs.'],
  ['address', 'Husen på Ekvägen 3–7 utryms.', 'Husen på Ekvägen tre till sju utryms.'],
  // Other numbers
  ['number', 'Mellan 10 000 och 12 000 personer.', 'Mellan tiotusen och tolvtusen personer.'],
  ['number', '1 grad och 1 år.', 'en grad och ett år.'],
  ['number', 'Postnummer 012 34.', 'Postnummer noll ett två trettiofyra.'],
  ['number', 'Lyssna på Sveriges Radio P4.', 'Lyssna på Sveriges Radio pe fyra.'],
  ['address', 'E4 är avstängd norr om Gävle, även E18.', 'e fyra är avstängd norr om Gävle, även e arton.'],
  ['symbol', 'Räddningstjänst & polis på plats.', 'Räddningstjänst och polis på plats.'],
  ['plain', 'Gå inomhus och stäng dörrar, fönster och ventilation.', 'Gå inomhus och stäng dörrar, fönster och ventilation.'],
];

describe('Swedish text normalisation', () => {
  it.each(table)('%s: %s', (_category, input, expected) => {
    expect(normaliseSwedish(input)).toBe(expected);
  });

  it('leaves no digits behind in any case', () => {
    for (const [, input] of table) expect(normaliseSwedish(input)).not.toMatch(/\d/);
  });
});

describe('Swedish number words', () => {
  it.each([
    [0, 'noll'],
    [1, 'ett'],
    [11, 'elva'],
    [21, 'tjugoett'],
    [100, 'hundra'],
    [101, 'hundraett'],
    [345, 'trehundrafyrtiofem'],
    [1000, 'tusen'],
    [2026, 'tvåtusen tjugosex'],
    [12345, 'tolvtusen trehundrafyrtiofem'],
    [2500000, 'två miljoner femhundratusen'],
    [1000000000, 'en miljard'],
  ])('cardinal %i → %s', (n, words) => expect(cardinal(n)).toBe(words));

  it('uses "en" for common-gender nouns', () => {
    expect(cardinal(1, 'common')).toBe('en');
    expect(cardinal(21, 'common')).toBe('tjugoen');
    expect(cardinal(11, 'common')).toBe('elva');
  });

  it.each([
    [1, 'första'],
    [2, 'andra'],
    [3, 'tredje'],
    [4, 'fjärde'],
    [12, 'tolfte'],
    [20, 'tjugonde'],
    [21, 'tjugoförsta'],
    [22, 'tjugoandra'],
    [24, 'tjugofjärde'],
    [30, 'trettionde'],
    [31, 'trettioförsta'],
    [100, 'hundrade'],
  ])('ordinal %i → %s', (n, words) => expect(ordinal(n)).toBe(words));

  it('reads years, decimals and digit strings', () => {
    expect(year(1998)).toBe('nittonhundranittioåtta');
    expect(year(2000)).toBe('tvåtusen');
    expect(year(2026)).toBe('tvåtusentjugosex');
    expect(decimal('3,5')).toBe('tre komma fem');
    expect(decimal('0,05')).toBe('noll komma noll fem');
    expect(digitByDigit('070')).toBe('noll sju noll');
    expect(() => cardinal(-1)).toThrow(RangeError);
  });
});
