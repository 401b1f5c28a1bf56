// Vite build of the operator console, served by the booking server under
// /console (server/console/serve.ts), hence the base. build/assets.ts builds
// it with these options; `npx vite build server/console` does the same by hand.
import react from '@vitejs/plugin-react';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type InlineConfig } from 'vite';

export const CONSOLE_ROOT = dirname(fileURLToPath(import.meta.url));

export function consoleViteConfig(outDir = 'dist', root = CONSOLE_ROOT): InlineConfig {
  return {
    root,
    base: '/console/',
    mode: 'production',
    envDir: false,
    plugins: [react()],
    // The process that builds may run with NODE_ENV=test or development: the console is always a production build.
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

export default defineConfig(consoleViteConfig());
