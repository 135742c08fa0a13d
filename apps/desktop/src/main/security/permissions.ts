// Which browser permissions the console gets: the microphone (recording a voice message)
// and notifications, only for the console's own origin in its top frame. Camera, screen
// capture, geolocation, USB/serial/HID, clipboard reads and everything else are refused.
import { isAppUrl } from './origin';

export interface PermissionRequestDetails {
  requestingUrl?: string;
  isMainFrame: boolean;
  /** For 'media': what the page asked for. */
  mediaTypes?: ('video' | 'audio')[];
}

export interface PermissionCheckDetails {
  isMainFrame: boolean;
  mediaType?: 'video' | 'audio' | 'unknown';
}

function allowedKind(permission: string, media: { requested?: readonly string[]; checked?: string }): boolean {
  switch (permission) {
    case 'notifications':
      return true;
    case 'media':
      if (media.requested !== undefined) return media.requested.length > 0 && media.requested.every((t) => t === 'audio');
      return media.checked === 'audio';
    default:
      return false;
  }
}

/** session.setPermissionRequestHandler: the page asks the user-facing question. */
export function decidePermissionRequest(permission: string, details: PermissionRequestDetails): boolean {
  if (!details.isMainFrame || !isAppUrl(details.requestingUrl)) return false;
  return allowedKind(permission, { requested: details.mediaTypes ?? [] });
}

/** session.setPermissionCheckHandler: synchronous "is this already allowed?" queries. */
export function decidePermissionCheck(permission: string, requestingOrigin: string, details: PermissionCheckDetails): boolean {
  if (!details.isMainFrame || !isAppUrl(requestingOrigin)) return false;
  return allowedKind(permission, { checked: details.mediaType ?? 'unknown' });
}
