// A child process for the full-disk test (server-client/full-disk.test.ts), run in a
// mount namespace of its own with DIR a small tmpfs: a real file system that runs out
// of room. Adds offline admissions to a station's journal until one fails, then frees
// room, adds one more, and reads the journal back as a restarted station would.
// Prints what it saw as one JSON line.
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, type JournalEntry } from '../journal.js';

const dir = process.argv[2]!;
const filler = join(dir, 'filler');
const fillerBytes = Number(process.argv[3] ?? 0);
if (fillerBytes > 0) writeFileSync(filler, Buffer.alloc(fillerBytes));

const entry = (i: number): Omit<JournalEntry, 'state'> => ({ scanId: `scan-${i}`, payload: `GP1.${'x'.repeat(240)}.${i}`, code: `code-${i}`, at: 1_800_000_000 + i });
const errors: string[] = [];
const journal = new Journal(Journal.fileIn(dir), (err) => errors.push(err.message));

let added = 0;
let failure: { code: string | undefined; message: string } | undefined;
for (let i = 0; i < 100_000 && !failure; i++) {
  try {
    await journal.add(entry(i));
    added++;
  } catch (err) {
    failure = { code: (err as NodeJS.ErrnoException).code, message: (err as Error).message };
  }
}
const failedCode = `code-${added}`;
const failedStillPending = journal.pendingFor(failedCode) !== undefined;
const pendingAfterFailure = journal.pending().length;

// Room again (the venue IT cleared the disk): the next admission must be kept.
if (fillerBytes > 0) unlinkSync(filler);
const later = entry(added + 1);
await journal.add(later);

const reread = new Journal(Journal.fileIn(dir), (err) => errors.push(err.message));
const pendingAfterRestart = reread.pending().map((e) => e.scanId);
console.log(JSON.stringify({ added, failure, failedStillPending, pendingAfterFailure, later: later.scanId, pendingAfterRestart, errors }));
