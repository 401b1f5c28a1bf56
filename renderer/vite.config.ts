// Builds the station screen into renderer/dist. Relative asset paths (base './'),
// so the same build loads over the web-kiosk's HTTP and Electron's app:// scheme.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  // The screen imports the bridge contract and the browser drivers from the repo.
  server: { fs: { allow: [join(here, '..')] } },
  build: {
    outDir: join(here, 'dist'),
    emptyOutDir: true,
    target: 'chrome120',
    // The zxing-wasm binary is large and loads on its own; no need to warn about it.
    chunkSizeWarningLimit: 2048,
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
