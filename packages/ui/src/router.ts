// A tiny hash router: the console is one window, and the hash keeps the current page
// across reloads and makes every page reachable by a link (also from deep links). The route
// itself is in route.ts; this adds the hook that follows it.
import { useEffect, useState } from 'react';
import { parseHash, type Route } from './route';

export { navigate, parseHash, type Route } from './route';

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
