// Where the station keeps its config, journal, offline bundle and history when
// no --config is given: the platform's per-user application data folder. The
// Electron shell uses the same folder, so both shells share one config.
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDirSync } from '../../server-client/durable-file.js';

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

/** The station's folder cannot hold its files: named for venue IT, by both shells. */
export class StationFolderError extends Error {
  constructor(
    readonly folder: string,
    readonly code: string,
  ) {
    super(`cannot keep the station's files in "${folder}" (${code}); give a folder this user may write`);
  }
}

/**
 * Makes `folder` (0700) if missing and checks the station may write there. A gate
 * that could not would start unable to keep its enrolment or an offline
 * admission: refused at start, where venue IT sees why, not at the first scan.
 */
export function ensureStationFolder(folder: string): void {
  try {
    ensurePrivateDirSync(folder);
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err;
    throw new StationFolderError(folder, code);
  }
}
