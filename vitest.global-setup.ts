// Builds the two browser bundles (customer page, station screen) once before
// the suite, so the servers the tests start in parallel find them ready
// instead of each waiting on a Vite build inside its start-up timeout.
import { ensureRendererBuilt } from './main/web-kiosk/renderer-build.js';
import { ensureBuilt } from './server/web/build.js';

export default async function setup(): Promise<void> {
  await ensureBuilt({ info: (msg) => console.log(`[build] ${msg}`), warn: (msg) => console.warn(`[build] ${msg}`) });
  await ensureRendererBuilt({ info: (_o: object, msg: string) => console.log(`[build] ${msg}`) } as never);
}
