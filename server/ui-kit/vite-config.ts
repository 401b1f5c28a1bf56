// Vite's options for a browser app the booking server serves (the customer
// page at /, the console at /console/): always a production build, whatever
// NODE_ENV the building process runs with. build/assets.ts builds with these.
import react from '@vitejs/plugin-react';
import type { InlineConfig } from 'vite';

export function browserAppViteConfig(opts: { root: string; base: string; outDir: string }): InlineConfig {
  return {
    root: opts.root,
    base: opts.base,
    mode: 'production',
    envDir: false,
    plugins: [react()],
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir: opts.outDir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      chunkSizeWarningLimit: 400,
      reportCompressedSize: false,
    },
  };
}
