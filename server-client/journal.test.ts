// The offline journal on real files: an admission is one appended line, not a
// rewrite of the whole journal; what was appended survives a restart (a torn
// last line — a write cut by a power loss before ADMIT showed — is skipped);
// verdicts, refusals and a restart fold the appended lines into the snapshot.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, type JournalEntry } from './journal.js';

let dir: string;
let file: string;
const added = () => join(dir, 'journal.add.jsonl');
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gp-journal-'));
  file = Journal.fileIn(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function entry(i: number): Omit<JournalEntry, 'state'> {
  return { scanId: `scan-${i}`, payload: `GP1:${'P'.repeat(300)}${i}`, code: `code-${i}`, at: 1_800_000_000 + i, scope: 'http://s|prv' };
}

async function reopen(j: Journal, errors: Error[] = []): Promise<Journal> {
  await j.close();
  const again = new Journal(file, (e) => errors.push(e));
  await again.flush();
  return again;
}

describe('Journal', () => {
  it('adds an admission as one appended line, however long the journal is', async () => {
    const j = new Journal(file);
    for (let i = 0; i < 2000; i++) await j.add(entry(i));
    expect(existsSync(file)).toBe(false);
    const before = statSync(added()).size;
    await j.add(entry(2000));
    const line = readFileSync(added(), 'utf8').slice(before);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toMatchObject({ scanId: 'scan-2000', state: 'pending' });
    expect(j.pendingCount).toBe(2001);
    expect(j.pendingFor('code-1234')?.scanId).toBe('scan-1234');
    await j.close();
  });

  it('keeps appended admissions across a restart, skips a torn last line, and folds them into the snapshot', async () => {
    const j = new Journal(file);
    for (let i = 0; i < 3; i++) await j.add(entry(i));
    // A write cut short: its fsync never returned, so its ADMIT never showed.
    appendFileSync(added(), '{"scanId":"scan-torn","payl');
    const errors: Error[] = [];
    const again = await reopen(j, errors);
    expect(again.pending().map((e) => e.scanId)).toEqual(['scan-0', 'scan-1', 'scan-2']);
    expect(errors).toEqual([]);
    expect(readFileSync(added(), 'utf8')).toBe('');
    expect((JSON.parse(readFileSync(file, 'utf8')) as { entries: unknown[] }).entries).toHaveLength(3);
    await again.close();
  });

  it('records verdicts as appended lines; a restart folds them in, and a line appended again does not bring an entry back', async () => {
    const j = new Journal(file);
    for (let i = 0; i < 4; i++) await j.add(entry(i));
    await j.settle([
      { scanId: 'scan-0', result: 'admitted' },
      { scanId: 'scan-1', result: 'rejected', reason: 'already_redeemed', redeemedGate: 'North' },
      { scanId: 'scan-2', result: 'rejected', reason: 'provider_unavailable' },
    ]);
    // An uploaded batch costs an append too: no snapshot of the whole journal.
    expect(existsSync(file)).toBe(false);
    const lines = readFileSync(added(), 'utf8').trim().split('\n');
    expect(lines.slice(4).map((l) => JSON.parse(l) as unknown)).toMatchObject([
      { change: 'scan-0', state: 'uploaded' },
      { change: 'scan-1', state: 'conflict', result: { redeemedGate: 'North' } },
    ]);
    let again = await reopen(j);
    expect(readFileSync(added(), 'utf8')).toBe('');
    // As if the process died between a snapshot's rename and the append file's truncation.
    appendFileSync(added(), JSON.stringify({ ...entry(0), state: 'pending' }) + '\n');
    again = await reopen(again);
    expect(again.all().map((e) => [e.scanId, e.state])).toEqual([
      ['scan-0', 'uploaded'],
      ['scan-1', 'conflict'],
      ['scan-2', 'pending'],
      ['scan-3', 'pending'],
    ]);
    expect(again.conflicts()[0]?.result).toMatchObject({ reason: 'already_redeemed', redeemedGate: 'North' });
    expect(again.pendingFor('code-0')).toBeUndefined();
    expect(again.pendingFor('code-3')?.scanId).toBe('scan-3');
    await again.close();
  });

  it('folds a grown append file into the snapshot, keeping the last uploaded entries for the record', async () => {
    const j = new Journal(file, undefined, 64 * 1024);
    for (let i = 0; i < 600; i++) await j.add(entry(i));
    await j.settle(Array.from({ length: 600 }, (_, i) => ({ scanId: `scan-${i}`, result: 'admitted' as const })));
    expect(readFileSync(added(), 'utf8')).toBe('');
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { entries: JournalEntry[] };
    expect(snapshot.entries).toHaveLength(500);
    expect(snapshot.entries[0]).toMatchObject({ scanId: 'scan-100', state: 'uploaded' });
    await j.add(entry(600));
    const again = await reopen(j);
    expect(again.pending().map((e) => e.scanId)).toEqual(['scan-600']);
    await again.close();
  });

  it('keeps a refused entry, never pending again, shown until acknowledged', async () => {
    const j = new Journal(file);
    await j.add(entry(0));
    await j.add(entry(1));
    await j.refuse(['scan-1'], { error: 'body_too_large', message: 'too big' });
    let again = await reopen(j);
    expect(again.pendingIn('http://s|prv').map((e) => e.scanId)).toEqual(['scan-0']);
    expect(again.refused()).toMatchObject([{ scanId: 'scan-1', state: 'refused', refusal: { error: 'body_too_large' } }]);
    await again.acknowledge(null);
    again = await reopen(again);
    expect(again.refused()).toEqual([]);
    expect(again.all().find((e) => e.scanId === 'scan-1')).toMatchObject({ state: 'refused', seen: true });
    await again.close();
  });

  it('reads a journal written before the append file existed', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, JSON.stringify({ version: 1, entries: [{ ...entry(7), state: 'pending' }] }));
    const j = new Journal(file);
    expect(j.pendingFor('code-7')?.scanId).toBe('scan-7');
    await j.add(entry(8));
    const again = await reopen(j);
    expect(again.pending().map((e) => e.scanId)).toEqual(['scan-7', 'scan-8']);
    await again.close();
  });
});
