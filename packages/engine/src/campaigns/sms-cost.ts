// SMS segment counting for the cost estimate and the template preview: GSM-7 (with the
// two-septet extension characters, an escape pair never split across segments) or UCS-2
// (UTF-16 code units). The providers layer owns the authoritative calculator for the
// composer; this one only needs to agree on counts.
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '\f^{}\\[~]|€';
const basic = new Set(BASIC);
const extension = new Set(EXTENSION);

export interface SegmentCount {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  characters: number;
}

export function smsSegments(text: string): SegmentCount {
  const chars = [...text];
  const gsm = chars.every((c) => basic.has(c) || extension.has(c));
  if (gsm) {
    const septets = chars.map((c) => (extension.has(c) ? 2 : 1));
    const total = septets.reduce((a, b) => a + b, 0);
    if (total <= 160) return { encoding: 'GSM-7', segments: total === 0 ? 1 : 1, characters: chars.length };
    let segments = 1;
    let used = 0;
    for (const s of septets) {
      if (used + s > 153) {
        segments++;
        used = 0;
      }
      used += s;
    }
    return { encoding: 'GSM-7', segments, characters: chars.length };
  }
  const units = text.length;
  if (units <= 70) return { encoding: 'UCS-2', segments: 1, characters: chars.length };
  // A surrogate pair is never split either.
  let segments = 1;
  let used = 0;
  for (const c of chars) {
    const u = c.length;
    if (used + u > 67) {
      segments++;
      used = 0;
    }
    used += u;
  }
  return { encoding: 'UCS-2', segments, characters: chars.length };
}
