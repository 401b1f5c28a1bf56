// A child process for the full-disk test (server-client/full-disk.test.ts), run in a
// mount namespace of its own with DIR a small tmpfs: a real file system that runs out
// of room. Keeps a station-sized JSON file (writeJsonSync, as the config with its token
// is kept), fills the disk but for a few pages, then saves a larger value, which does
// not fit. Prints what it saw as one JSON line: whether the save failed, and what the
// file held afterwards.
import { readdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonSync } from '../durable-file.js';

const dir = process.argv[2]!;
const file = join(dir, 'config.json');
const before = { version: 1, enrollment: { stationId: 'stn_1', token: 'st_kept' }, notes: 'x'.repeat(2_000) };
writeJsonSync(file, before);

// All but three pages of the disk: the larger value starts to land, then runs out of room.
const { bavail, bsize } = statfsSync(dir);
writeFileSync(join(dir, 'filler'), Buffer.alloc(bavail * bsize - 3 * 4096));

let failure: string | undefined;
try {
  writeJsonSync(file, { ...before, notes: 'y'.repeat(64 * 1024) });
} catch (err) {
  failure = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}
let after: unknown;
try {
  after = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  after = `unreadable: ${(err as Error).message}`;
}
const leftovers = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
console.log(JSON.stringify({ failure, keptToken: (after as typeof before | undefined)?.enrollment?.token ?? null, after: typeof after === 'string' ? after : 'json', leftovers }));
