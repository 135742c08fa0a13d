// The first module of the console to run (main.tsx imports it first): starts fetching the
// code of the page the window opens on, so it loads while React, Mantine and the protocol
// are being set up instead of after.
import { pages } from './pages/registry';
import { parseHash } from './router';

const opening = parseHash(window.location.hash).page;
void (pages.find((p) => p.id === opening) ?? pages[0]!).preload().catch(() => {});
