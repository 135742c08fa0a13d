// The planner's blockers and warnings in the operator's language. The engine writes them
// as English sentences of a few known shapes; each shape is recognised here and said in
// Swedish. A sentence of a shape not listed is shown as the engine wrote it.
import { channelWords } from '../../components/labels';
import type { Language } from '../../i18n';

type Rule = [RegExp, (m: RegExpMatchArray) => string];

const channel = (c: string | undefined) => (channelWords.sv[c as keyof typeof channelWords.sv] ?? c ?? '').toLowerCase();

const sv: Rule[] = [
  [
    /^Step (\d+) sends (\w+) but template "(.*)" has no \w+ content$/,
    (m) => `Steg ${m[1]} skickar ${channel(m[2])}, men mallen ”${m[3]}” har inget innehåll för ${channel(m[2])}.`,
  ],
  [
    /^Confirmation is on but no step can be confirmed \(e-mail only\)$/,
    () => 'Bekräftelse är påslagen, men inget steg kan bekräftas (bara e-post).',
  ],
  [
    /^(\d+) recipient\(s\) lack values for template variables \(e\.g\. (.*): (.*)\); add a fallback to the template or fill in the contacts$/,
    (m) =>
      `${m[1]} mottagare saknar uppgifter som mallen använder (t.ex. ${m[2]}: ${m[3]}). Lägg till ett reservvärde i mallen eller fyll i kontakterna.`,
  ],
  [/^Nobody in the audience can be reached by this plan$/, () => 'Ingen av mottagarna kan nås med den här planen.'],
  [
    /^No price for (.*); their cost is not included$/,
    (m) => `Pris saknas för ${m[1]}; den kostnaden är inte med i uppskattningen. Lägg till priset under Inställningar → Priser.`,
  ],
  [
    /^WhatsApp's approval of "(.*)" could not be checked now; it was approved when chosen$/,
    (m) =>
      `WhatsApp-mallen ”${m[1]}” kunde inte kontrolleras mot Twilio just nu; den var godkänd när den valdes. Larmet kan startas, men WhatsApp kan neka mallen om godkännandet har dragits tillbaka.`,
  ],
  [
    /^Template "(.*)" is not approved; starting it needs a reason for the audit log$/,
    (m) => `Mallen ”${m[1]}” är inte godkänd. För att starta larmet ändå behövs ett skäl, som sparas i händelseloggen.`,
  ],
];

/** One of the planner's sentences in the operator's language. */
export function planNoteText(text: string, language: Language): string {
  if (language !== 'sv') return text;
  for (const [re, say] of sv) {
    const m = re.exec(text);
    if (m) return say(m);
  }
  return text;
}
