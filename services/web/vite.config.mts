import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The frontend is plain TypeScript and DOM APIs; Vite bundles it into services/web/dist,
// which the web service serves. `npm run build:web` runs this.
const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.resolve(here, 'src/client'),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: path.resolve(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill is not needed by the browsers this targets, and CSP forbids inline script anyway.
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
});
