// A file that only grows by appends, each one on disk (fsync) when append()
// resolves — and the file itself too: when it is created, its folder is
// fsynced, or a power cut could leave the folder without it.
import { readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensurePrivateDir, syncDir } from './durable-file.js';

export class AppendFile {
  private handle: FileHandle | null = null;
  private bytes = 0;

  constructor(readonly path: string) {}

  /** Bytes in the file (as read at start, plus appended since), 0 once emptied. */
  get size(): number {
    return this.bytes;
  }

  /** The whole file, '' when it does not exist. */
  readSync(): string {
    try {
      const text = readFileSync(this.path, 'utf8');
      this.bytes = Buffer.byteLength(text);
      return text;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw err;
    }
  }

  async append(text: string): Promise<void> {
    const handle = await this.opened();
    await handle.write(text);
    await handle.datasync();
    this.bytes += Buffer.byteLength(text);
  }

  /** Empties the file (the caller has made what it held durable elsewhere first). */
  async truncate(): Promise<void> {
    if (this.bytes === 0 && !this.handle) return;
    const handle = await this.opened();
    await handle.truncate(0);
    this.bytes = 0;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }

  private async opened(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    const dir = dirname(this.path);
    await ensurePrivateDir(dir);
    let handle: FileHandle;
    let created = false;
    try {
      handle = await open(this.path, 'ax', 0o600);
      created = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      handle = await open(this.path, 'a', 0o600);
    }
    if (created) {
      await handle.sync();
      await syncDir(dir);
    }
    this.handle = handle;
    return handle;
  }
}
