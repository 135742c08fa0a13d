// Where the console is: the page and its parameters, kept in the location's hash so the current
// page survives a reload and every page is reachable by a link. Without React, so the console's
// first module (main.tsx) can read it before the framework has loaded; router.ts adds the hook.

export interface Route {
  page: string;
  /** Path segments after the page, e.g. ["42"] for #/campaigns/42. */
  params: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [pathPart = '', queryPart = ''] = hash.replace(/^#\/?/, '').split('?');
  const [page = '', ...params] = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  return { page, params, query: new URLSearchParams(queryPart) };
}

export function navigate(page: string, ...params: (string | number)[]): void {
  window.location.hash = `#/${[page, ...params.map((p) => encodeURIComponent(String(p)))].join('/')}`;
}
