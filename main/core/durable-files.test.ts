// The station's files survive a power cut and stay private. A child process
// writes one file through each writer (config store, journal, history and the
// plain functions under them) while strace records its system calls: each write
// must flush the temporary file, rename it over the target, and flush the
// folder holding the rename, all before the write returns. Real files on the
// real file system; strace only watches.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..');
const CHILD = [join(REPO, 'bin', 'run-ts.js'), join(REPO, 'main', 'testing', 'durable-writes.ts')];
/** Writers that replace their file whole: a temporary file renamed over it. */
const WRITERS = ['sync', 'async', 'config', 'history'];
/** The journal appends each admission as a line to a file of its own (journal.add.jsonl). */
const APPENDED = join('journal', 'journal.add.jsonl');

function findStrace(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v strace'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

const STRACE = findStrace();

function straceAvailable(): boolean {
  if (STRACE) return true;
  const message = 'strace not found: the power-cut test traces fsync and rename with it (apt-get install strace)';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`skipping: ${message}`);
  return false;
}

interface Call {
  name: string;
  /** the fd's path for fsync/fdatasync (strace -y), the path for openat, the target for a rename */
  path: string;
  /** a rename's source */
  from?: string;
  ok: boolean;
}

/**
 * Reads an `strace -f -y` log into calls in the order they finished. A call
 * split by another thread's ("<unfinished ...>" … "<... resumed>") is joined.
 */
function parseTrace(text: string): Call[] {
  const pending = new Map<string, string>();
  const calls: Call[] = [];
  for (const raw of text.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(raw);
    if (!m) continue;
    const [, tid, rest] = m as unknown as [string, string, string];
    let line = rest;
    if (line.endsWith('<unfinished ...>')) {
      pending.set(tid, line.slice(0, -'<unfinished ...>'.length));
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(line);
    if (resumed) {
      line = (pending.get(tid) ?? '') + resumed[1];
      pending.delete(tid);
    }
    const call = /^(\w+)\((.*)\)\s+=\s+(-?\d+)/.exec(line);
    if (!call) continue;
    const [, name, args, result] = call as unknown as [string, string, string, string];
    const ok = Number(result) >= 0;
    const strings = [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((s) => s[1]!);
    if (name === 'fsync' || name === 'fdatasync') calls.push({ name, path: /^\d+<(.*)>$/.exec(args)?.[1] ?? '', ok });
    else if (name === 'openat') calls.push({ name, path: strings[0] ?? '', ok });
    else if (name.startsWith('rename')) calls.push({ name: 'rename', from: strings[0], path: strings[1] ?? '', ok });
  }
  return calls;
}

const flush = (c: Call) => (c.name === 'fsync' || c.name === 'fdatasync') && c.ok;

let root = '';
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = '';
});

function tempRoot(): string {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'gatepost-durable-')));
  return root;
}

describe('station files and power cuts', () => {
  it('every writer flushes the file, renames it, and flushes the folder before the write returns', async (ctx) => {
    if (!straceAvailable()) return ctx.skip();
    const dir = join(tempRoot(), 'station');
    const trace = join(root, 'trace');
    await run(STRACE!, ['-f', '-y', '-e', 'trace=openat,rename,renameat,renameat2,fsync,fdatasync', '-o', trace, process.execPath, ...CHILD, dir]);
    const calls = parseTrace(readFileSync(trace, 'utf8'));

    for (const writer of WRITERS) {
      const folder = join(dir, writer);
      const file = join(folder, `${writer}.json`);
      const renamed = calls.findIndex((c) => c.name === 'rename' && c.ok && c.path === file && c.from?.startsWith(`${file}.`));
      expect(renamed, `${writer}: no rename of a temporary file onto ${file}`).toBeGreaterThan(-1);
      const tmp = calls[renamed]!.from!;
      const dataFlushed = calls.findIndex((c, i) => i < renamed && flush(c) && c.path === tmp);
      const folderFlushed = calls.findIndex((c, i) => i > renamed && flush(c) && c.path === folder);
      const returned = calls.findIndex((c) => c.name === 'openat' && c.path === join(folder, 'returned'));
      expect(dataFlushed, `${writer}: the temporary file was not flushed before the rename`).toBeGreaterThan(-1);
      expect(folderFlushed, `${writer}: the folder ${folder} was not flushed after the rename`).toBeGreaterThan(-1);
      expect(returned, `${writer}: the write never returned`).toBeGreaterThan(-1);
      expect(folderFlushed, `${writer}: the write returned before its rename was flushed`).toBeLessThan(returned);
    }

    // An offline admission: the line is flushed, and the folder too when the
    // append created the file, before add() returns (before ADMIT shows).
    const folder = join(dir, 'journal');
    const file = join(dir, APPENDED);
    const created = calls.findIndex((c) => c.name === 'openat' && c.ok && c.path === file);
    const returned = calls.findIndex((c) => c.name === 'openat' && c.path === join(folder, 'returned'));
    const lineFlushed = calls.findLastIndex((c, i) => i > created && i < returned && flush(c) && c.path === file);
    const folderFlushed = calls.findIndex((c, i) => i > created && i < returned && flush(c) && c.path === folder);
    expect(created, `journal: ${file} was never opened`).toBeGreaterThan(-1);
    expect(returned, 'journal: the write never returned').toBeGreaterThan(-1);
    expect(lineFlushed, 'journal: the appended admission was not flushed before add() returned').toBeGreaterThan(-1);
    expect(folderFlushed, 'journal: the folder was not flushed after the append file was created').toBeGreaterThan(-1);
  });

  it('the data folder is 0700 and its files 0600 even under umask 000', async (ctx) => {
    if (process.platform === 'win32') return ctx.skip();
    const dir = join(tempRoot(), 'new', 'station');
    await run(process.execPath, [...CHILD, dir, '--umask-0']);
    const mode = (p: string) => statSync(p).mode & 0o777;
    // The marker files are created with Node's default 0666: proof the umask really was 000.
    expect(mode(join(dir, 'sync', 'returned'))).toBe(0o666);
    for (const folder of [join(root, 'new'), dir]) expect(mode(folder), folder).toBe(0o700);
    for (const writer of WRITERS) {
      expect(mode(join(dir, writer)), writer).toBe(0o700);
      expect(mode(join(dir, writer, `${writer}.json`)), writer).toBe(0o600);
    }
    expect(mode(join(dir, 'journal')), 'journal').toBe(0o700);
    expect(mode(join(dir, APPENDED)), 'journal').toBe(0o600);
  });
});
