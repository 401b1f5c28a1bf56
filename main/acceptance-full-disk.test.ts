// Acceptance: the disk of an offline gate fills. The station's journal cannot be
// written: its append file is /dev/full here, which the kernel answers with
// ENOSPC on every write, as a full disk does. The admission that cannot be kept
// is refused, and the screen says why in words the attendant can pass on to
// venue IT. Once there is room again the same ticket is admitted: the refused
// scan was forgotten, not counted as "admitted here", and never uploaded.
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backToReady, chromiumAvailable, POLL, screenshot, verdictOf, wedgeScan } from './testing/browser.js';
import { gateOnScreen } from './testing/gate-screen.js';
import { ADMIT } from './testing/verdicts.js';

const run = chromiumAvailable();

describe.runIf(run)('gate station: a full disk while offline', () => {
  const gate = gateOnScreen({ tickets: 2, enrollAt: 'Full Gate', config: { offlinePolicy: 'signed', holdMs: 1000 }, bundle: true });

  it('refuses with the reason on screen, then admits the same ticket once there is room', async () => {
    const appendFile = join(gate.station.dir, 'journal.add.jsonl');
    rmSync(appendFile, { force: true });
    symlinkSync('/dev/full', appendFile);
    await gate.stack.stopProvider();
    try {
      const ticket = gate.tickets[0]!;
      await wedgeScan(gate.page, ticket.payload);
      expect(await verdictOf(gate.page)).toMatchObject({ kind: 'deny', reason: 'cannot_verify' });
      // The server is out of reach too, but it is not why: the station could not save.
      await expect.poll(() => gate.page.getByTestId('verdict-detail').textContent(), POLL).toBe('This station cannot save — call a supervisor');
      await screenshot(gate.page, 'full-disk-deny');
      await backToReady(gate.page);
      // Under the verdict while it shows (nothing covers DENY), then on the ready screen.
      const notice = gate.page.locator('[data-testid="notice"][data-key="journal_unwritable"]');
      await notice.waitFor({ state: 'visible', ...POLL });
      expect(await notice.textContent()).toContain('disk is full or cannot be written (ENOSPC)');
      await screenshot(gate.page, 'full-disk');
      expect(await gate.page.locator('main').getAttribute('data-journal')).toBe('0');
      // Readable beside "Ready", never over it.
      const word = (await gate.page.locator('.ready-word').boundingBox())!;
      expect((await notice.boundingBox())!.x).toBeGreaterThanOrEqual(word.x + word.width);
      // The next holder is refused the same way: one notice of it on the screen, not a copy per scan.
      await wedgeScan(gate.page, gate.tickets[1]!.payload);
      expect(await verdictOf(gate.page)).toMatchObject({ kind: 'deny', reason: 'cannot_verify' });
      expect(await gate.page.locator('[data-testid="notice"][data-key="journal_unwritable"]').count()).toBe(1);
      await backToReady(gate.page);

      // Venue IT makes room.
      rmSync(appendFile);
      await wedgeScan(gate.page, ticket.payload);
      expect(await verdictOf(gate.page)).toEqual(ADMIT);
      await backToReady(gate.page);
      expect(await gate.page.locator('main').getAttribute('data-journal')).toBe('1');
    } finally {
      await gate.stack.startProvider();
    }
  });
});
