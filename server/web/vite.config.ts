// Vite build of the customer booking page, served by the booking server at /
// (server/web/serve.ts). build/assets.ts builds it with these options;
// `npx vite build server/web` does the same by hand.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type InlineConfig } from 'vite';
import { browserAppViteConfig } from '../ui-kit/vite-config.js';

export const WEB_ROOT = dirname(fileURLToPath(import.meta.url));

export const webViteConfig = (outDir = 'dist', root = WEB_ROOT): InlineConfig => browserAppViteConfig({ root, base: '/', outDir });

export default defineConfig(webViteConfig());
