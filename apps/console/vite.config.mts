import { defineConfig } from 'vite';

// Served by the API at /console (same origin): asset URLs under that base, no inline scripts or styles in
// the output, so the console runs under a CSP without 'unsafe-inline'. Built with
// `vite build apps/console` (root and outDir relative to this folder).
export default defineConfig({
  base: '/console/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'es2022',
  },
  logLevel: 'warn',
});
