// A file that only grows by appends, each one on disk (fsync) when append()
// resolves — and the file itself too: when it is created, its folder is
// fsynced, or a power cut could leave the folder without it. An append either
// lands whole or leaves the file as it was: on a full disk a write lands only
// in part (a short write, which is no error), and the torn line would swallow
// the next line appended after it.
import { readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensurePrivateDir, syncDir } from './durable-file.js';

export class AppendFile {
  private handle: FileHandle | null = null;
  private bytes = 0;
  /** a failed append's bytes may still be at the end: the next append starts on a line of its own */
  private torn = false;

  constructor(readonly path: string) {}

  /** A failed append could not be cut back: its bytes, even all of them, may be at the end of the file. */
  get mayHoldFailedAppend(): boolean {
    return this.torn;
  }

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
    const data = Buffer.from(this.torn ? `\n${text}` : text);
    try {
      for (let done = 0; done < data.length; ) {
        const { bytesWritten } = await handle.write(data, done, data.length - done);
        if (bytesWritten === 0) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${this.path}'`), { code: 'ENOSPC' });
        done += bytesWritten;
      }
      await handle.datasync();
    } catch (err) {
      await this.takeBack(handle);
      // Opened again for the next append: venue IT may free room by replacing the file.
      this.handle = null;
      await handle.close().catch(() => undefined);
      throw err;
    }
    this.bytes += data.length;
    this.torn = false;
  }

  /** Cuts a failed append's bytes off again; where even that fails, the next append begins a new line. */
  private async takeBack(handle: FileHandle): Promise<void> {
    try {
      await handle.truncate(this.bytes);
      await handle.datasync();
    } catch {
      this.torn = true;
    }
  }

  /** Empties the file (the caller has made what it held durable elsewhere first). */
  async truncate(): Promise<void> {
    if (this.bytes === 0 && !this.handle) return;
    const handle = await this.opened();
    await handle.truncate(0);
    this.bytes = 0;
    this.torn = false;
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
    // Where the appends begin: what a failed one is cut back to.
    this.bytes = (await handle.stat()).size;
    this.handle = handle;
    return handle;
  }
}
