// A CAP 1.2 message received by POST /api/v1/cap, read and validated with exactly the
// desktop's rules (@gdial/engine/cap-rules: the same parser, the same refusal of DOCTYPE and
// ENTITY declarations, the rule table in @gdial/protocol), so the relay accepts only what a
// desktop can make a draft alert of. The refusal names the broken rule in Swedish and English.
import { capImportLanguage, capRuleByCode, type ApiCapRequest, type Refusal } from '@gdial/protocol';
import { parseCapAlert } from '@gdial/engine/cap-rules';

export interface CapRefusal {
  code: 'cap-markup-refused' | 'cap-not-xml' | 'cap-invalid';
  /** Swedish, as the API's other refusals. */
  message: string;
  messageEn: string;
  /** Every broken rule (cap-invalid): its code, where, and the value at fault. */
  rules: { rule: string; path: string; value?: string; sv: string; en: string }[];
}

export type CapReading = { ok: true; cap: ApiCapRequest } | { ok: false; refusal: CapRefusal };

const ruleOf = (r: Refusal) => {
  const p = r.params ?? {};
  const rule = capRuleByCode(String(p.rule));
  const value = p.value === undefined || p.value === '' ? undefined : String(p.value);
  const at = (word: string) => `${word} ${String(p.path)}${value ? `: ”${value}”` : ''}`;
  return {
    rule: String(p.rule),
    path: String(p.path),
    ...(value ? { value } : {}),
    sv: `${rule?.sv ?? String(p.rule)} (regel ${String(p.rule)}, ${at('vid')})`,
    en: `${rule?.en ?? String(p.rule)} (rule ${String(p.rule)}, ${at('at')})`,
  };
};

function refusalOf(err: unknown): CapRefusal {
  const e = err as { refusal?: Refusal; reasons?: Refusal[]; message?: string };
  const first = e.refusal;
  if (first?.code === 'cap.markup-refused')
    return {
      code: 'cap-markup-refused',
      message: 'CAP-meddelandet innehåller en DOCTYPE- eller ENTITY-deklaration. Sådana tas inte emot av säkerhetsskäl.',
      messageEn: 'The CAP message holds a DOCTYPE or ENTITY declaration. For safety these are not accepted.',
      rules: [],
    };
  if (first?.code === 'cap.invalid') {
    const rules = [first, ...(e.reasons ?? [])].map(ruleOf);
    return {
      code: 'cap-invalid',
      message: `CAP-meddelandet: ${rules.map((r) => r.sv).join('; ')}.`,
      messageEn: `The CAP message: ${rules.map((r) => r.en).join('; ')}.`,
      rules,
    };
  }
  const p = first?.params ?? {};
  const where = Number(p.line) > 0 ? ` (rad ${String(p.line)}, tecken ${String(p.column)})` : '';
  const whereEn = Number(p.line) > 0 ? ` (line ${String(p.line)}, column ${String(p.column)})` : '';
  return {
    code: 'cap-not-xml',
    message: `Meddelandet är inte giltig XML${where}. Ett CAP-meddelande är ett XML-dokument.`,
    messageEn: `The message is not well-formed XML${whereEn}: ${e.message ?? ''}`,
    rules: [],
  };
}

/** The CAP message as the request keeps it, or the refusal naming what is wrong. */
export function readCap(xml: string): CapReading {
  try {
    const doc = parseCapAlert(xml);
    // The import rules made sure one info block is in a language a draft can be made in.
    const info = doc.info.find((i) => capImportLanguage(i.language) !== null) ?? doc.info[0];
    const headline = (info?.headline?.trim() || info?.event?.trim() || doc.identifier!).slice(0, 200);
    return { ok: true, cap: { identifier: doc.identifier!, sender: doc.sender!, headline, xml } };
  } catch (err) {
    if ((err as { refusal?: Refusal }).refusal === undefined) throw err;
    return { ok: false, refusal: refusalOf(err) };
  }
}
