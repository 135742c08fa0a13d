// WhatsApp's 24-hour rule for one delivery: free-form text may reach a person only within
// 24 hours of their last message to us; anyone else gets the approved content template the
// template bound (frozen on the delivery at start, with its variables filled for them).
import type { ClaimRow } from '../store/dispatch';

/** WhatsApp's customer-service window after a person's last inbound message. */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Leave a margin: a free-form text that arrives after the window closes fails with 63016. */
const MARGIN_MS = 5 * 60 * 1000;

/** Whether a free-form text sent now would still arrive inside the person's open window. */
export const insideWhatsAppWindow = (lastInboundAt: number | null, now: number): boolean =>
  lastInboundAt !== null && now - lastInboundAt < WHATSAPP_WINDOW_MS - MARGIN_MS;

/**
 * The content template a WhatsApp delivery goes out with, or null to send its free-form
 * body: the template whenever there is one and either the window is closed or there is no
 * free-form text to send.
 */
export function whatsAppTemplateOf(
  row: Pick<ClaimRow, 'body' | 'content_sid' | 'content_variables' | 'last_inbound_at'>,
  now: number,
): { contentSid: string; variables: Record<string, string> } | null {
  if (row.content_sid === null) return null;
  if (row.body !== null && insideWhatsAppWindow(row.last_inbound_at, now)) return null;
  const variables = row.content_variables ? (JSON.parse(row.content_variables) as Record<string, string>) : {};
  return { contentSid: row.content_sid, variables };
}
