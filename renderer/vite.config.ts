// Builds the window into renderer/dist. Relative asset URLs ('./') so the same
// build loads from the control server and from the Electron app bundle.
// No inline scripts or styles: the CSP forbids them.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Inlined assets would become data: URLs in CSS/JS; keep everything as files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
