// The console's React side: theme, providers and the frame, rendered with the connection
// main.tsx opened (and loaded by it while the opening page's code and data are on their way).
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/charts/styles.css';
import { MantineProvider, createTheme, type CSSVariablesResolver } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LanguageProvider } from './i18n';
import type { RpcClient } from './rpc/client';
import { RpcProvider } from './rpc/react';
import { SessionProvider } from './session';

// Darker primary shade and secondary text than Mantine's defaults: white on blue.6 and
// gray.6 text on white fail WCAG AA contrast, and operators read this under stress. In
// dark mode too: white on blue.6 is 3.6:1, on blue.8 6.3:1.
const theme = createTheme({ primaryColor: 'blue', primaryShade: { light: 8, dark: 8 }, defaultRadius: 'md', fontSizes: { md: '1rem' } });
// The light variant (buttons, badges, active menu items) keeps its tinted background but its
// text goes one shade darker in light mode, for every colour: shade 8 on its own 10 % tint is
// 4.4:1 for blue, shade 9 passes AA. Done once here so every page gains.
const lightVariantText = (colors: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.keys(colors).map((name) => [`--mantine-color-${name}-light-color`, `var(--mantine-color-${name}-9)`]));
// Status text on the page's own background (not on a filled badge), readable in both schemes:
// shade 9 on white, shade 4 on dark 7 (red 9 on dark 7 is 2.8:1; orange 9 on white 4.3:1, so
// the warning's light value is a darker orange). Used as c="var(--gdial-danger-text)" etc.
const statusText = {
  light: {
    '--gdial-danger-text': 'var(--mantine-color-red-9)',
    '--gdial-warning-text': '#b8400c',
    '--gdial-ok-text': 'var(--mantine-color-green-9)',
  },
  dark: {
    '--gdial-danger-text': 'var(--mantine-color-red-4)',
    '--gdial-warning-text': 'var(--mantine-color-orange-4)',
    '--gdial-ok-text': 'var(--mantine-color-green-4)',
  },
};
const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    ...lightVariantText(t.colors),
    '--mantine-primary-color-light-color': `var(--mantine-color-${t.primaryColor}-9)`,
    ...statusText.light,
  },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)', ...statusText.dark },
});

export function startConsole(client: RpcClient): void {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
        <Notifications />
        <LanguageProvider>
          <RpcProvider client={client}>
            <SessionProvider>
              <App />
            </SessionProvider>
          </RpcProvider>
        </LanguageProvider>
      </MantineProvider>
    </StrictMode>,
  );
}
