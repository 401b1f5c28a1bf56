// Vite build of the customer booking page. serve.ts builds it on the booking
// server's first start (and after any change to the sources) with these
// options; `npx vite build server/web` does the same by hand.
import react from '@vitejs/plugin-react';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type InlineConfig } from 'vite';

export const WEB_ROOT = dirname(fileURLToPath(import.meta.url));

export function webViteConfig(outDir = 'dist', root = WEB_ROOT): InlineConfig {
  return {
    root,
    base: '/',
    mode: 'production',
    envDir: false,
    plugins: [react()],
    // The server that builds may run with NODE_ENV=test or development: the page is always a production build.
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      chunkSizeWarningLimit: 400,
      reportCompressedSize: false,
    },
  };
}

export default defineConfig(webViteConfig());
