// Test support: `gatepost station --web` as a process, with a config file the
// test writes first (as venue IT would), in a fresh data folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPin } from '../config/pin.js';
import { startGatepost, type RunningCommand as Running } from '../../bin/testing/processes.js';

export const TEST_PIN = '2580';

export interface StationProcess extends Running {
  dir: string;
  configFile: string;
  /** stops the process and removes its data folder */
  close(): Promise<void>;
}

export async function startStation(config: Record<string, unknown> = {}, options: { pin?: string | null } = {}): Promise<StationProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'gp-station-'));
  const configFile = join(dir, 'config.json');
  const pin = options.pin === undefined ? TEST_PIN : options.pin;
  writeFileSync(configFile, JSON.stringify({ pinHash: pin ? await hashPin(pin) : null, ...config }, null, 2));
  const running = await startGatepost(['station', '--web', '--port', '0', '--config', configFile], {}, 60_000);
  return {
    ...running,
    dir,
    configFile,
    async close() {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
