// TwiML as the simulated voice engine reads it: the document's verbs, a verb's loop count
// and URLs resolved against the document they came from.
import { DOMParser } from '@xmldom/xmldom';

type ParsedTwiml = { ok: true; elements: Element[] } | { ok: false; error: string };

export function parseTwiml(xml: string): ParsedTwiml {
  const problems: string[] = [];
  const doc = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: (msg: string) => problems.push(msg),
      fatalError: (msg: string) => problems.push(msg),
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (problems.length || !root) return { ok: false, error: problems[0] ?? 'empty document' };
  if (root.tagName !== 'Response') return { ok: false, error: `root element is <${root.tagName}>, expected <Response>` };
  return { ok: true, elements: childElements(root) };
}

export function childElements(node: Element): Element[] {
  const out: Element[] = [];
  for (let i = 0; i < node.childNodes.length; i++) {
    const child = node.childNodes.item(i);
    if (child && child.nodeType === 1) out.push(child as Element);
  }
  return out;
}

export function loopCount(verb: Element): number {
  const loop = Number(verb.getAttribute('loop') || 1);
  // loop="0" repeats until hang-up on Twilio; the simulated callee listens ten times.
  return !Number.isFinite(loop) || loop < 0 ? 1 : loop === 0 ? 10 : Math.min(loop, 100);
}

export function resolveUrl(target: string, base: string): string | null {
  if (!target) return null;
  try {
    return new URL(target, base).toString();
  } catch {
    return null;
  }
}
