// Folders and files only their owner may read: data folders 0700, database,
// key and credential files 0600, whatever the umask. A mode given to mkdir or
// open is masked by the umask (and ignored for a file that already exists), so
// the mode is set again with chmod after each is made.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Whether modes mean anything here (Windows keeps only a read-only bit). */
const POSIX = process.platform !== 'win32';

/**
 * Makes `dir` and any missing parents, each 0700. An existing data folder
 * loses its group and other bits too: it is ours, and it holds the database.
 */
export function ensurePrivateDir(dir: string): void {
  const target = resolve(dir);
  const missing: string[] = [];
  for (let d = target; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  // One at a time rather than { recursive: true }, which on a folder that refuses a new
  // entry with ENOENT (/proc) tries again for ever instead of failing.
  for (const d of missing) mkdirSync(d, { mode: PRIVATE_DIR_MODE });
  if (!POSIX) return;
  for (const d of missing) chmodSync(d, PRIVATE_DIR_MODE);
  if (missing.length === 0) chmodSync(target, PRIVATE_DIR_MODE);
}

/** Creates `file` empty if missing, and makes it (new or old) 0600. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  if (POSIX) chmodSync(file, PRIVATE_FILE_MODE);
}

/** Makes `file` 0600 when it exists. */
export function restrictIfPresent(file: string): void {
  if (POSIX && existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
}

/** Writes `file` readable by its owner only, also when it was there before with a wider mode. */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  ensurePrivateFile(file);
  writeFileSync(file, data, { mode: PRIVATE_FILE_MODE });
}
