// Vite build of the operator console, served by the booking server under
// /console (server/console/serve.ts), hence the base. build/assets.ts builds
// it with these options; `npx vite build server/console` does the same by hand.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type InlineConfig } from 'vite';
import { browserAppViteConfig } from '../ui-kit/vite-config.js';

export const CONSOLE_ROOT = dirname(fileURLToPath(import.meta.url));

export const consoleViteConfig = (outDir = 'dist', root = CONSOLE_ROOT): InlineConfig => browserAppViteConfig({ root, base: '/console/', outDir });

export default defineConfig(consoleViteConfig());
