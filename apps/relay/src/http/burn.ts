// Burn messages (engångsmeddelanden) at the relay:
//   POST /api/v1/burn-messages   a desktop stores a ciphertext (device token); answered with the short link
//   GET  /b/:id                  the recipient's page (public): a minimal Swedish page with no external assets
//   POST /b/:id/open             the page's script takes the ciphertext, which is cleared in the same transaction
// The key is only in the link's #fragment, which browsers never send, so nothing the relay
// stores or logs can be decrypted by it. Opening is a POST from the page's script (after a
// press on "Visa meddelandet"), not the GET: link previews of messaging apps fetch the page
// and must not use up the one reading.
import { createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import {
  BURN_ID_BYTES,
  BURN_EXPIRY_HOURS,
  BURN_IV_BYTES,
  burnIdSchema,
  burnUploadSchema,
  describeIssues,
  fieldIssues,
  type BurnUploadResponse,
} from '@gdial/protocol';
import { burnStateOf, burnTenantOf, openBurnMessage, saveBurnMessage, type BurnState } from '../store/burn';
import { randomId } from '../store/secrets';
import { deviceOf } from './auth-guard';
import { apiError, rateLimit } from './middleware';
import type { HttpServices } from './services';

/** The ciphertext's size on the wire at most (a 4,000-character text in UTF-8 plus the tag, base64url). */
const UPLOAD_LIMIT = '32kb';

/** The public path of a burn message (the desktop appends `#<key>`). */
export const burnPath = (id: string): string => `/b/${id}`;

const decode = (s: string): Buffer => Buffer.from(s, 'base64url');

/** The device route, mounted on the API router (after its auth guard). */
export function burnUploadRouter(services: HttpServices): Router {
  const router = express.Router();
  router.post('/burn-messages', express.json({ limit: UPLOAD_LIMIT }), async (req, res) => {
    const device = deviceOf(req);
    const parsed = burnUploadSchema.safeParse(req.body);
    if (!parsed.success) {
      apiError(res, 400, 'validation', describeIssues(fieldIssues(parsed.error)));
      return;
    }
    const iv = decode(parsed.data.iv);
    const ciphertext = decode(parsed.data.ciphertext);
    const expiresAt = new Date(parsed.data.expiresAt);
    const hours = (expiresAt.getTime() - Date.now()) / 3_600_000;
    if (iv.length !== BURN_IV_BYTES || ciphertext.length < 17) {
      apiError(res, 400, 'validation', `iv must be ${BURN_IV_BYTES} bytes and the ciphertext carry a 16-byte tag`);
      return;
    }
    if (!(hours > 0) || hours > BURN_EXPIRY_HOURS.max + 1) {
      apiError(res, 400, 'validation', `expiresAt must be in the future and at most ${BURN_EXPIRY_HOURS.max} hours away`);
      return;
    }
    const id = randomId(BURN_ID_BYTES);
    await saveBurnMessage(services.db, device.tenant.id, { id, ciphertext, iv, deliveryToken: parsed.data.deliveryToken, expiresAt });
    req.log.info({ size: ciphertext.length }, 'burn message stored');
    const body: BurnUploadResponse = { id, url: `${services.publicBaseUrl()}${burnPath(id)}`, expiresAt: expiresAt.toISOString() };
    res.status(201).json(body);
  });
  return router;
}

const swedishTime = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Stockholm' });
/** "7 december 2026 23:14" (Swedish time). */
export const whenInSwedish = (d: Date): string => swedishTime.format(d);

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** What the page says for a message that cannot be shown (also the open route's answer). */
export function burnRefusalText(state: Exclude<BurnState, { state: 'unread' }>): string {
  switch (state.state) {
    case 'opened':
      return `Meddelandet är redan läst (${whenInSwedish(state.openedAt)}). Det gick bara att läsa en gång och finns inte kvar.`;
    case 'expired':
      return 'Meddelandet har gått ut och finns inte kvar.';
    case 'unknown':
      return 'Det finns inget meddelande med den här länken. Kontrollera att du har fått med hela länken.';
    default: {
      const never: never = state;
      throw new Error(`unknown burn state ${JSON.stringify(never)}`);
    }
  }
}

// ES5 on purpose: basic phone browsers. Decrypts with WebCrypto using the key in the fragment;
// says plainly when the browser cannot. The text is shown with textContent, never as HTML.
const pageScript = `(function () {
  var status = document.getElementById('status');
  var button = document.getElementById('show');
  var out = document.getElementById('text');
  function say(t) { status.textContent = t; }
  function bytes(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var bin = atob(s), b = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
    return b;
  }
  if (!button) return;
  var key = location.hash.replace(/^#/, '');
  var subtle = window.crypto && window.crypto.subtle;
  if (!subtle || !window.Uint8Array || !window.TextDecoder || !window.XMLHttpRequest) {
    button.disabled = true;
    say('Din webbläsare kan inte öppna krypterade meddelanden. Öppna länken i en nyare webbläsare, till exempel Chrome, Firefox eller Safari. Meddelandet finns kvar tills du öppnar det.');
    return;
  }
  if (!/^[A-Za-z0-9_-]{43}$/.test(key)) {
    button.disabled = true;
    say('Länken är inte hel: nyckeln efter # saknas. Öppna hela länken som du fick. Meddelandet finns kvar.');
    return;
  }
  button.onclick = function () {
    button.disabled = true;
    say('Hämtar meddelandet …');
    var xhr = new XMLHttpRequest();
    xhr.open('POST', location.pathname + '/open');
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.onerror = function () { button.disabled = false; say('Det gick inte att nå servern. Försök igen.'); };
    xhr.onload = function () {
      var body;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      if (xhr.status !== 200) { button.hidden = true; say(body.text || 'Meddelandet kan inte visas.'); return; }
      subtle.importKey('raw', bytes(key), { name: 'AES-GCM' }, false, ['decrypt'])
        .then(function (k) { return subtle.decrypt({ name: 'AES-GCM', iv: bytes(body.iv) }, k, bytes(body.ciphertext)); })
        .then(function (plain) {
          button.hidden = true;
          out.textContent = new TextDecoder().decode(plain);
          out.hidden = false;
          say('Meddelandet visas bara nu. Det är raderat från servern; spara det du behöver innan du stänger sidan.');
        }, function () {
          button.hidden = true;
          say('Meddelandet kunde inte dekrypteras: länken är fel eller ändrad. Det är raderat från servern; be avsändaren om ett nytt.');
        });
    };
    xhr.send('{}');
  };
})();`;

const pageStyle = `body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;padding:1rem;background:#fff;color:#1a1a1a;line-height:1.5}
main{max-width:36rem;margin:0 auto}h1{font-size:1.3rem}button{font-size:1.1rem;padding:.7rem 1.2rem;border:0;border-radius:.4rem;background:#1c5fb8;color:#fff}
button[disabled]{background:#777}#text{white-space:pre-wrap;font-size:1.15rem;border:2px solid #1c5fb8;border-radius:.4rem;padding:1rem;margin:1rem 0}
#status{margin:1rem 0}`;

const sha256b64 = (s: string): string => createHash('sha256').update(s).digest('base64');
const pageSecurity = [
  "default-src 'none'",
  `script-src 'sha256-${sha256b64(pageScript)}'`,
  `style-src 'sha256-${sha256b64(pageStyle)}'`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page: the press that opens the message when it is there, the reason otherwise. */
export function burnPage(state: BurnState): string {
  const body =
    state.state === 'unread'
      ? `<p>Du har fått ett engångsmeddelande. Det kan bara läsas en gång och raderas när du öppnar det (senast ${escapeHtml(
          whenInSwedish(state.expiresAt),
        )}).</p>
<p><button id="show" type="button">Visa meddelandet</button></p>
<p id="status" role="status" aria-live="polite"></p>
<div id="text" hidden></div>`
      : `<p id="status" role="status">${escapeHtml(burnRefusalText(state))}</p>`;
  return `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>Engångsmeddelande</title><style>${pageStyle}</style></head>
<body><main><h1>Engångsmeddelande</h1>
${body}
<noscript><p>Sidan behöver JavaScript för att kunna visa meddelandet. Slå på JavaScript eller öppna länken i en annan webbläsare.</p></noscript>
</main><script>${pageScript}</script></body></html>`;
}

const noStore = (res: Response): void => {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  res.setHeader('X-Content-Type-Options', 'nosniff');
};

/** The public page and its open route, mounted at /b. */
export function burnPageRouter(services: HttpServices): Router {
  const router = express.Router();
  router.use(rateLimit('burn', services.config.rateLimitPerSecond, services.metrics));

  const tenantOf = async (req: Request): Promise<{ id: string; tenantId: string } | null> => {
    const id = burnIdSchema.safeParse(req.params.id);
    if (!id.success) return null;
    const tenantId = await burnTenantOf(services.db, id.data);
    return tenantId ? { id: id.data, tenantId } : null;
  };

  router.get('/:id', async (req, res) => {
    noStore(res);
    const found = await tenantOf(req);
    const state: BurnState = found ? await burnStateOf(services.db, found.tenantId, found.id) : { state: 'unknown' };
    res.setHeader('Content-Security-Policy', pageSecurity);
    res
      .status(state.state === 'unknown' ? 404 : 200)
      .type('text/html; charset=utf-8')
      .send(burnPage(state));
  });

  router.post('/:id/open', async (req, res) => {
    noStore(res);
    const found = await tenantOf(req);
    if (!found) {
      res.status(404).json({ state: 'unknown', text: burnRefusalText({ state: 'unknown' }) });
      return;
    }
    const opened = await openBurnMessage(services.db, found.tenantId, found.id);
    if (!opened.ok) {
      const s = opened.state;
      res.status(s.state === 'unknown' ? 404 : 410).json({
        state: s.state,
        openedAt: s.state === 'opened' ? s.openedAt.toISOString() : null,
        text: burnRefusalText(s),
      });
      return;
    }
    // The desktops learn of the open through the organisation's log, like a provider's event.
    // The ciphertext is already cleared: the reader gets it even when the log append fails.
    const key = `burn-opened:${found.id}`;
    try {
      await services.appender.append(found.tenantId, {
        eventKey: key,
        kind: 'burn-opened',
        event: { type: 'burn-opened', key, id: found.id, deliveryToken: opened.deliveryToken, openedAt: opened.openedAt.toISOString() },
      });
      req.log.info('burn message opened');
    } catch (err) {
      req.log.error({ err }, 'burn message opened, but the open could not be logged for the desktops');
    }
    res.json({ ciphertext: opened.ciphertext.toString('base64url'), iv: opened.iv.toString('base64url') });
  });
  return router;
}
