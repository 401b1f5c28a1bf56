// Builds the customer page once before the suite, so the booking servers the
// tests start in parallel find it ready instead of each waiting on a Vite
// build inside its start-up timeout.
import { ensureBuilt } from './server/web/build.js';

export default async function setup(): Promise<void> {
  await ensureBuilt({ info: (msg) => console.log(`[build] ${msg}`), warn: (msg) => console.warn(`[build] ${msg}`) });
}
