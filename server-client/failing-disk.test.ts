// A gate PC's disk that fails (EIO) rather than fills: an offline admission's line
// lands whole, but its flush fails, and so does cutting it back off. The station
// refuses the holder, so that line must not come back as pending at the next start:
// it would be uploaded and use up the ticket of someone turned away.
//
// No real part here fails a flush on cue (no device-mapper in this sandbox), so
// node:fs/promises' `open` is wrapped: while `disk.failing`, the journal's append
// file answers datasync and truncate with EIO. Its writes go to a real file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as fsPromises from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Journal, type JournalEntry } from './journal.js';

const disk = vi.hoisted(() => ({ failing: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fsPromises>();
  const eio = () => Promise.reject(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
  const open: typeof real.open = async (...args) => {
    const handle = await real.open(...args);
    if (!String(args[0]).endsWith('.add.jsonl')) return handle;
    return new Proxy(handle, {
      get(target, key) {
        if (disk.failing && (key === 'datasync' || key === 'sync' || key === 'truncate')) return eio;
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return { ...real, open, default: { ...real, open } };
});

/** Adds `e` while the disk fails: its write lands, its flush and cut-back do not, and the holder is refused. */
async function addOnFailingDisk(journal: Journal, e: Omit<JournalEntry, 'state'>): Promise<void> {
  disk.failing = true;
  await expect(journal.add(e)).rejects.toMatchObject({ code: 'EIO' });
  disk.failing = false;
}

const entry = (i: number): Omit<JournalEntry, 'state'> => ({ scanId: `scan-${i}`, payload: `GP1.${i}`, code: `code-${i}`, at: 1_800_000_000 + i });

describe('an offline admission on a failing disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gp-failing-disk-'));
  });
  afterEach(() => {
    disk.failing = false;
    rmSync(dir, { recursive: true, force: true });
  });

  it('is never read back as pending once the holder was refused, even where its line landed whole', async () => {
    const journal = new Journal(Journal.fileIn(dir));
    await journal.add(entry(1));
    await addOnFailingDisk(journal, entry(2));
    expect(journal.pendingFor('code-2')).toBeUndefined();
    await journal.add(entry(3));
    await journal.close();

    const restarted = new Journal(Journal.fileIn(dir));
    expect(restarted.pending().map((e) => e.scanId)).toEqual(['scan-1', 'scan-3']);
    expect(restarted.pendingFor('code-2')).toBeUndefined();
    await restarted.close();
  });

  it('keeps the admission when the same scan is admitted again once the disk answers', async () => {
    const journal = new Journal(Journal.fileIn(dir));
    await journal.add(entry(0));
    await addOnFailingDisk(journal, entry(1));
    // Scanned again, the ticket is decided with the scan's own ID (the station keeps it for a retry).
    await journal.add(entry(1));
    await journal.close();

    const restarted = new Journal(Journal.fileIn(dir));
    expect(restarted.pending().map((e) => e.scanId)).toEqual(['scan-0', 'scan-1']);
    await restarted.close();
  });
});
