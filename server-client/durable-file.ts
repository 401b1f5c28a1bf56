// Durable JSON files for the station's state: config, journal, offline bundle,
// history. Written to a temporary file, flushed, then renamed over the old one,
// so a power cut at a gate leaves either the old file or the new one, never half.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open, mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export function writeJsonSync(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(value, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

let tmpCounter = 0;

export async function writeJson(file: string, value: unknown, options: { durable?: boolean } = {}): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${++tmpCounter}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(value) + '\n');
    if (options.durable !== false) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
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
