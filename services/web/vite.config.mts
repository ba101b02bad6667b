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
  // `npx vite --config services/web/vite.config.mts`: the frontend with hot reload, on the
  // same origin as the API and the stream of services started with `npm start`.
  server: {
    host: '127.0.0.1',
    // The stream's path is libs/contract's STREAM_PATH, written out: importing the
    // TypeScript contract here makes Vite warn on every build (its config loader).
    proxy: {
      '/api/messages': { target: process.env.STREAM_URL ?? 'http://127.0.0.1:3001' },
      '/api': { target: process.env.MESSAGES_URL ?? 'http://127.0.0.1:3000' },
    },
  },
});
