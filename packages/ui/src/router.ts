// A tiny hash router: the console is one window, and the hash keeps the current page
// across reloads and makes every page reachable by a link (also from deep links).
import { useEffect, useState } from 'react';

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

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
