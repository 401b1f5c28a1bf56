// Test support: `gatepost station --web` as a process, with a config file the
// test writes first (as venue IT would), in a fresh data folder. Its `url` is
// the screen's, with the launch's bridge secret, as the station prints it on
// stderr for the operator (the log's ready line has the origin only).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPin } from '../config/pin.js';
import { startGatepost, type RunningCommand as Running } from '../../testing/processes.js';

export const TEST_PIN = '2580';

export interface StationProcess extends Running {
  /** the web-kiosk origin (http://127.0.0.1:PORT), as the log's ready line has it */
  origin: string;
  dir: string;
  configFile: string;
  /** stops the process (SIGTERM) and starts it again on the same config and data folder: a new launch, a new screen URL */
  restart(options?: { kill9?: boolean }): Promise<void>;
  /** stops the process and removes its data folder */
  close(): Promise<void>;
}

/** The screen URL in the station's "open the screen with" line, or null. */
export function screenUrlIn(line: string): string | null {
  return /--app='([^']+)'/.exec(line)?.[1] ?? null;
}

/** `gatepost station --web` on a config file the caller wrote; `url` is the screen URL with the launch secret. */
export async function launchStation(configFile: string, env: Record<string, string> = {}): Promise<Running & { origin: string }> {
  const running = await startGatepost(['station', '--web', '--port', '0', '--config', configFile], env, 60_000);
  const url = await new Promise<string>((resolve, reject) => {
    const look = () => {
      const found = running.output.map(screenUrlIn).find(Boolean);
      if (!found) return false;
      running.child.stderr!.off('data', look);
      resolve(found);
      return true;
    };
    // startGatepost's own reader takes each chunk first (it was attached first), so the line is in output by now.
    if (!look()) running.child.stderr!.on('data', look);
    running.child.once('exit', () => reject(new Error(`the station exited before printing its screen URL:\n${running.output.join('\n')}`)));
  });
  return { ...running, origin: running.url, url };
}

/** `env`: more environment for the process, e.g. GATEPOST_STATION_HEARTBEAT_MS. */
export async function startStation(config: Record<string, unknown> = {}, launch: { pin?: string | null; env?: Record<string, string> } = {}): Promise<StationProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'gp-station-'));
  const configFile = join(dir, 'config.json');
  const pin = launch.pin === undefined ? TEST_PIN : launch.pin;
  writeFileSync(configFile, JSON.stringify({ pinHash: pin ? await hashPin(pin) : null, ...config }, null, 2));
  let running = await launchStation(configFile, launch.env);
  const station: StationProcess = {
    ...running,
    dir,
    configFile,
    async restart(options = {}) {
      await (options.kill9 ? running.kill9() : running.stop());
      running = await launchStation(configFile, launch.env);
      Object.assign(station, { url: running.url, origin: running.origin, child: running.child, output: running.output, stop: running.stop, kill9: running.kill9 });
    },
    async close() {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return station;
}
