// Where the station keeps its config, journal, offline bundle and history when
// no --config is given: the platform's per-user application data folder. The
// Electron shell uses the same folder, so both shells share one config.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_FOLDER = 'gatepost-station';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.GATEPOST_STATION_DIR) return env.GATEPOST_STATION_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_FOLDER);
}

export function defaultConfigFile(): string {
  return join(defaultDataDir(), 'config.json');
}
