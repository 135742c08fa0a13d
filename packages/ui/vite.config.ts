import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * What every page needs (React, Mantine's components and styles engine, its floating UI):
 * one chunk, loaded with the console's entry, instead of dozens of small ones a lazily loaded
 * page (pages/registry.tsx) would discover one round trip after its own file. Libraries only
 * some pages use (charts, QR codes) stay with those pages.
 */
const FRAMEWORK =
  /[\\/]node_modules[\\/](react|react-dom|scheduler|@mantine[\\/](core|hooks|notifications)|@floating-ui[\\/][^\\/]+|react-remove-scroll[^\\/]*|react-style-singleton|use-callback-ref|use-sidecar|get-nonce|tslib|clsx|react-transition-group|dom-helpers|@babel[\\/]runtime|react-number-format|react-textarea-autosize|use-composed-ref|use-isomorphic-layout-effect|use-latest)[\\/]/;

export default defineConfig({
  plugins: [react()],
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'framework', test: FRAMEWORK }] } } },
  },
  server: { proxy: { '/rpc': { target: 'ws://127.0.0.1:4780', ws: true } } },
});
