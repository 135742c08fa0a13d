import { defineConfig, type HtmlTagDescriptor, type Plugin } from 'vite';
import type { OutputChunk } from 'rolldown';
import react from '@vitejs/plugin-react';

/**
 * What every page needs (React, Mantine's components and styles engine, its floating UI):
 * one chunk, loaded with the console's entry, instead of dozens of small ones a lazily loaded
 * page (pages/registry.tsx) would discover one round trip after its own file. Libraries only
 * some pages use (charts, QR codes) stay with those pages.
 */
const FRAMEWORK =
  /[\\/]node_modules[\\/](react|react-dom|scheduler|@mantine[\\/](core|hooks|notifications)|@floating-ui[\\/][^\\/]+|react-remove-scroll[^\\/]*|react-style-singleton|use-callback-ref|use-sidecar|get-nonce|tslib|clsx|react-transition-group|dom-helpers|@babel[\\/]runtime|react-number-format|react-textarea-autosize|use-composed-ref|use-isomorphic-layout-effect|use-latest)[\\/]/;

/**
 * The console's entry (main.tsx) is small and loads the console itself (console.tsx: React,
 * Mantine, the frame) with a dynamic import, so it can connect and ask for the opening page's
 * data first. So that the browser does not wait for the entry to run before fetching the console,
 * index.html names the console's files (its chunk, the chunks it imports, their styles) to be
 * fetched at once, with the entry.
 */
function fetchConsoleWithEntry(): Plugin {
  return {
    name: 'gdial-fetch-console-with-entry',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter((c): c is OutputChunk => c.type === 'chunk');
        const root = chunks.find((c) => c.facadeModuleId?.replace(/\\/g, '/').endsWith('/src/console.tsx'));
        if (!root) throw new Error('the console chunk (src/console.tsx) is not in the build');
        const byName = new Map(chunks.map((c) => [c.fileName, c]));
        const js = new Set<string>();
        const css = new Set<string>();
        const visit = (c: OutputChunk) => {
          if (js.has(c.fileName)) return;
          js.add(c.fileName);
          for (const f of (c as OutputChunk & { viteMetadata?: { importedCss: Set<string> } }).viteMetadata?.importedCss ?? []) css.add(f);
          for (const i of c.imports) {
            const dep = byName.get(i);
            if (dep) visit(dep);
          }
        };
        visit(root);
        const base = './';
        // Those the entry imports itself are named already.
        for (const f of js) if (html.includes(`"${base}${f}"`)) js.delete(f);
        return [
          ...[...js].map((f): HtmlTagDescriptor => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: base + f },
            injectTo: 'head',
          })),
          ...[...css].map((f): HtmlTagDescriptor => ({
            tag: 'link',
            attrs: { rel: 'preload', as: 'style', crossorigin: true, href: base + f },
            injectTo: 'head',
          })),
        ];
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), fetchConsoleWithEntry()],
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'framework', test: FRAMEWORK }] } } },
  },
  server: { proxy: { '/rpc': { target: 'ws://127.0.0.1:4780', ws: true } } },
});
