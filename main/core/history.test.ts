import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { History } from './history.js';

const dir = mkdtempSync(join(tmpdir(), 'gp-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('History', () => {
  it('reads recent scans written with the old kind as the verdict result', async () => {
    const counters = { admitted: 1, denied: 1, since: 1 };
    const recent = [
      { id: 'b', at: 2, kind: 'deny', reason: 'expired', offline: false, source: 'wedge' },
      { id: 'a', at: 1, kind: 'admit', offline: false, source: 'wedge', seat: 'A1' },
    ];
    writeFileSync(join(dir, 'history.json'), JSON.stringify({ version: 1, counters, recent }));
    const history = new History(dir, (err) => {
      throw err;
    });
    expect(history.snapshot.recent).toEqual([
      { id: 'b', at: 2, result: 'rejected', reason: 'expired', offline: false, source: 'wedge' },
      { id: 'a', at: 1, result: 'admitted', offline: false, source: 'wedge', seat: 'A1' },
    ]);
    history.record({ id: 'c', result: 'admitted', offline: true, source: 'serial', enteredAt: 0, holdMs: 0, ticket: { seat: 'B2' } }, 3);
    expect(history.snapshot.counters).toMatchObject({ admitted: 2, denied: 1 });
    expect(history.snapshot.recent[0]).toEqual({ id: 'c', at: 3, result: 'admitted', offline: true, source: 'serial', seat: 'B2' });
    await history.flush();
  });
});
