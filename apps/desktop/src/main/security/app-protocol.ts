// Serves the built console (packages/ui/dist) on app://console/. Requests are confined to
// the console directory, paths without a file extension get index.html (client-side
// routes), and every response carries the CSP and nosniff.
import path from 'node:path';
import { consoleCsp } from './csp';
import { APP_HOST, APP_SCHEME } from './origin';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.wasm': 'application/wasm',
};

export type AssetResolution = { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 403 | 404 };

export function resolveConsoleAsset(requestUrl: string, uiDir: string): AssetResolution {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { ok: false, status: 403 };
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return { ok: false, status: 400 };
  const root = path.resolve(uiDir);
  const file = path.resolve(root, '.' + path.posix.normalize(pathname));
  const rel = path.relative(root, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return { ok: false, status: 403 };
  const ext = path.extname(file).toLowerCase();
  if (rel === '' || ext === '') return { ok: true, file: path.join(root, 'index.html'), contentType: TYPES['.html']! };
  const contentType = TYPES[ext];
  if (!contentType) return { ok: false, status: 404 };
  return { ok: true, file, contentType };
}

export interface ConsoleResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/** The whole request → response step, with the file system behind readFile. */
export async function serveConsoleRequest(
  requestUrl: string,
  uiDir: string,
  readFile: (file: string) => Promise<Uint8Array>,
): Promise<ConsoleResponse> {
  const headers: Record<string, string> = {
    'content-security-policy': consoleCsp(),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  };
  const r = resolveConsoleAsset(requestUrl, uiDir);
  if (!r.ok) return { status: r.status, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' }, body: 'Not available' };
  try {
    const body = await readFile(r.file);
    return { status: 200, headers: { ...headers, 'content-type': r.contentType }, body };
  } catch {
    return { status: 404, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' }, body: 'Not found' };
  }
}
