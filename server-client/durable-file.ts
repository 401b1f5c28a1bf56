// Durable JSON files for the station's state: config, journal, offline bundle,
// history. Written to a temporary file, flushed, renamed over the old one, and
// then the rename itself is flushed, so a power cut at a gate leaves either the
// old file or the new one, never half, and a write that returned stays written.
// The station's folder is private (0700) and its files 0600, whatever the
// umask: the config holds the station token.
import { chmodSync, closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;
const WINDOWS = process.platform === 'win32';

/**
 * Creates `dir` and any missing parents as 0700 (mkdir's mode goes through the
 * umask, chmod does not), and flushes each new folder's entry in its parent so
 * the first file written there survives a power cut too. A folder that already
 * exists keeps its mode: it may be one the venue chose and shares.
 *
 * One folder at a time, a missing parent made once before its child: Node's
 * `{ recursive: true }` takes ENOENT for a missing parent and tries again, for
 * ever, under a folder that answers every new entry so (/proc).
 */
export function ensurePrivateDirSync(dir: string): void {
  const target = resolve(dir);
  let made: boolean;
  try {
    made = mkdirOneSync(target);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT' || dirname(target) === target) throw err;
    ensurePrivateDirSync(dirname(target));
    made = mkdirOneSync(target);
  }
  if (!made) return;
  chmodSync(target, PRIVATE_DIR);
  try {
    syncDirSync(dirname(target));
  } catch (err) {
    if (!unreadable(err)) throw err;
  }
}

export async function ensurePrivateDir(dir: string): Promise<void> {
  const target = resolve(dir);
  let made: boolean;
  try {
    made = await mkdirOne(target);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT' || dirname(target) === target) throw err;
    await ensurePrivateDir(dirname(target));
    made = await mkdirOne(target);
  }
  if (!made) return;
  await chmod(target, PRIVATE_DIR);
  await syncDir(dirname(target)).catch((err: unknown) => {
    if (!unreadable(err)) throw err;
  });
}

/** Makes one folder: true when made, false when it was there already; a file in its place is ENOTDIR. */
function mkdirOneSync(dir: string): boolean {
  try {
    mkdirSync(dir, { mode: PRIVATE_DIR });
    return true;
  } catch (err) {
    if (errorCode(err) !== 'EEXIST') throw err;
    if (!statSync(dir).isDirectory()) throw notADirectory(dir);
    return false;
  }
}

async function mkdirOne(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { mode: PRIVATE_DIR });
    return true;
  } catch (err) {
    if (errorCode(err) !== 'EEXIST') throw err;
    if (!(await stat(dir)).isDirectory()) throw notADirectory(dir);
    return false;
  }
}

const notADirectory = (dir: string) => Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', path: dir });

const errorCode = (err: unknown) => (err as NodeJS.ErrnoException).code;

// Flushing a rename. On POSIX a rename is a change to the folder, which only an
// fsync of the folder itself makes durable. Windows cannot flush a folder
// opened for reading, and Node offers no MoveFileEx flags; MOVEFILE_WRITE_THROUGH
// would not help anyway, as Microsoft documents it for moves done as copy and
// delete (across volumes), not for a rename in one folder. On NTFS the rename is
// one logged transaction that also rewrites the file's own record (its name),
// so flushing the renamed file (fsync is FlushFileBuffers there) forces the log
// through that transaction. No native dependency is needed for that.

// Some file systems (certain network and FUSE mounts) cannot fsync a folder and
// say so with EINVAL; there is nothing more to flush on those.
function unsupported(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'EINVAL' || code === 'ENOTSUP';
}

// A parent folder we may create in but not read (mode 0311, say) cannot be
// opened to flush; the station must still start there.
function unreadable(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'EACCES' || code === 'EPERM';
}

function syncDirSync(dir: string): void {
  if (WINDOWS) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } catch (err) {
    if (!unsupported(err)) throw err;
  } finally {
    closeSync(fd);
  }
}

/** fsync of a folder, so a file just created or renamed in it survives a power cut (nothing to do on Windows, see above). */
export async function syncDir(dir: string): Promise<void> {
  if (WINDOWS) return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    if (!unsupported(err)) throw err;
  } finally {
    await handle.close();
  }
}

function syncRenamedSync(file: string): void {
  if (!WINDOWS) return syncDirSync(dirname(file));
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function syncRenamed(file: string): Promise<void> {
  if (!WINDOWS) return syncDir(dirname(file));
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function writeJsonSync(file: string, value: unknown): void {
  ensurePrivateDirSync(dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w', PRIVATE_FILE);
    try {
      // open's mode goes through the umask and is not applied to a leftover temporary file.
      fchmodSync(fd, PRIVATE_FILE);
      // Whole or not at all: a write that lands in part (a nearly full disk) is written on, and the
      // next part's ENOSPC is thrown. Renamed in place, a part would replace the good file.
      writeFileSync(fd, JSON.stringify(value, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    // A full disk must not also fill up with half-written temporary files.
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed, or never created
    }
    throw err;
  }
  syncRenamedSync(file);
}

let tmpCounter = 0;

export async function writeJson(file: string, value: unknown, options: { durable?: boolean } = {}): Promise<void> {
  const durable = options.durable !== false;
  await ensurePrivateDir(dirname(file));
  const tmp = `${file}.${process.pid}.${++tmpCounter}.tmp`;
  try {
    const handle = await open(tmp, 'w', PRIVATE_FILE);
    try {
      await handle.chmod(PRIVATE_FILE);
      await handle.writeFile(JSON.stringify(value) + '\n');
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  if (durable) await syncRenamed(file);
}

/** The parsed file, undefined when it does not exist; throws on unreadable or invalid JSON. */
export function readJsonSync(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as unknown;
}

/**
 * Writes one file in the background: the latest state wins, at most one write
 * runs, and a burst of changes within `delayMs` costs one write, serialised
 * when it is written (so a scan never pays for copying the state).
 */
export class CoalescingWriter {
  private producer: (() => unknown) | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | null = null;

  constructor(
    private readonly file: string,
    private readonly onError: (err: Error) => void,
    private readonly options: { delayMs?: number; durable?: boolean } = {},
  ) {}

  /** Schedules a write of whatever `producer` returns when the write happens. */
  write(producer: () => unknown): void {
    this.producer = producer;
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => this.start(), this.options.delayMs ?? 0);
    this.timer.unref?.();
  }

  /** Resolves once everything asked for so far is on disk. */
  async flush(): Promise<void> {
    if (this.timer) this.start();
    while (this.running) await this.running;
  }

  private start(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.producer) {
        const produce = this.producer;
        this.producer = null;
        try {
          await writeJson(this.file, produce(), { durable: this.options.durable ?? false });
        } catch (err) {
          this.onError(err as Error);
        }
      }
    } finally {
      this.running = null;
    }
  }
}
