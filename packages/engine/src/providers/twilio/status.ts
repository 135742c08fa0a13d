// Twilio's message and call statuses in GDial's DeliveryStatus vocabulary.
import type { AnsweredBy, DeliveryStatus, ProviderFailure } from '@gdial/protocol';
import { asyncFailure } from './errors';

export function messageStatus(status: string): DeliveryStatus | null {
  switch (status) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
      return 'queued';
    case 'sending':
      return 'sending';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'read':
      return 'read';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    default:
      // receiving/received belong to inbound messages; anything new is ignored, not guessed.
      return null;
  }
}

export function callStatus(status: string): DeliveryStatus | null {
  switch (status) {
    case 'queued':
    case 'initiated':
      return 'queued';
    case 'ringing':
      return 'ringing';
    case 'in-progress':
      return 'answered';
    case 'completed':
      return 'completed';
    case 'busy':
      return 'busy';
    case 'no-answer':
      return 'no-answer';
    case 'canceled':
      return 'canceled';
    case 'failed':
      return 'failed';
    default:
      return null;
  }
}

/** Why a call did not reach anyone, in failure classes (busy and no-answer may work later). */
export function callFailure(status: DeliveryStatus): ProviderFailure | null {
  switch (status) {
    case 'busy':
      return { class: 'transient', code: 'busy', message: 'The line was busy' };
    case 'no-answer':
      return { class: 'transient', code: 'no-answer', message: 'Nobody answered' };
    case 'failed':
      return { class: 'invalid-recipient', code: 'failed', message: 'The call could not be connected' };
    case 'canceled':
      return { class: 'permanent', code: 'canceled', message: 'The call was canceled' };
    case 'queued':
    case 'deferred':
    case 'sending':
    case 'sent':
    case 'ringing':
    case 'answered':
    case 'delivered':
    case 'read':
    case 'completed':
    case 'undelivered':
    case 'bounced':
    case 'dropped':
      return null;
    default: {
      const never: never = status;
      throw new Error(`unknown delivery status ${String(never)}`);
    }
  }
}

export function messageFailure(status: DeliveryStatus, errorCode: number | null, errorMessage?: string | null): ProviderFailure | null {
  if (status !== 'undelivered' && status !== 'failed') return null;
  return asyncFailure(errorCode ?? 30008, errorMessage);
}

export function answeredBy(value: string | null | undefined): AnsweredBy | null {
  if (!value) return null;
  if (value === 'human') return 'human';
  if (value.startsWith('machine')) return 'machine';
  if (value === 'fax') return 'fax';
  return 'unknown';
}
