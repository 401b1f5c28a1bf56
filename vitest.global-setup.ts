// Builds the browser bundles (customer page, operator console, station screen) once before
// the suite, when missing or stale, so the servers the tests start in parallel
// find them ready: the servers themselves only serve what is built. The same
// helper (build/assets.ts) the `gatepost` launcher uses from the sources.
import { consolePage, customerPage, ensureBundle, stationScreen } from './build/assets.js';

export default async function setup(): Promise<void> {
  const log = { info: (msg: string) => console.log(`[build] ${msg}`), warn: (msg: string) => console.warn(`[build] ${msg}`) };
  await ensureBundle(customerPage(), log);
  await ensureBundle(consolePage(), log);
  await ensureBundle(stationScreen(), log);
}
