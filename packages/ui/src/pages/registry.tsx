// The pages of the console as React components, in navigation order (pageList.ts lists them).
// Each page is its own chunk of the build, loaded when it is first opened or its menu link
// is pointed at or focused: the page an operator opens does not wait for the code of the
// others (charts, the alert wizard, reports…).
import { lazy } from 'react';
import { pageList, type PageComponent, type PageSpec } from './pageList';

export type { PageComponent } from './pageList';

export interface PageDef extends PageSpec {
  component: PageComponent;
}

export const pages: PageDef[] = pageList.map((p) => ({ ...p, component: lazy(() => p.preload().then((c) => ({ default: c }))) }));
