// Acceptance: a serial scanner on a real pseudo-terminal pair (socat) enrolls
// the station by reading the GPS1: setup QR (the screen asks for the settings
// PIN before the code is spent), then reads a ticket: ADMIT on the
// screen, and the LCUS relay board's bytes arrive on a second socat pair.
// Garbage on the line is a red "bad ticket", never a crash.
import type { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePort, openFarEnd, writeChunks } from '../scanner-drivers/testing/far-end.js';
import { ptyPair, socatAvailable, tempDir, type PtyPair } from '../scanner-drivers/testing/socat.js';
import { backToReady, chromiumAvailable, POLL, verdictOf } from './testing/browser.js';
import { ADMIT } from './testing/verdicts.js';
import { gateOnScreen } from './testing/gate-screen.js';
import { TEST_PIN } from './testing/station.js';

const run = chromiumAvailable() && socatAvailable();

describe.runIf(run)('gate station: serial scanner and relay over socat', () => {
  let ptys: { path: string; remove(): void };
  let scanner: PtyPair;
  let relay: PtyPair;
  let gun: SerialPort;
  let board: SerialPort;
  const relayBytes: number[] = [];

  // The cables first and unplugged last: the gate's own hooks run inside these.
  beforeAll(async () => {
    ptys = tempDir('gp-station-pty-');
    [scanner, relay] = await Promise.all([ptyPair(ptys.path, { device: 'scanner', far: 'scanner-far' }), ptyPair(ptys.path, { device: 'relay', far: 'relay-far' })]);
    board = await openFarEnd(relay.far, 9600);
    board.on('data', (chunk: Buffer) => relayBytes.push(...chunk));
    gun = await openFarEnd(scanner.far, 9600);
  });

  afterAll(async () => {
    await Promise.allSettled([gun && closePort(gun), board && closePort(board)]);
    await Promise.allSettled([scanner?.kill(), relay?.kill()]);
    ptys?.remove();
  });

  const gate = gateOnScreen({
    config: async () => ({
      sources: { wedge: { enabled: false, maxAvgGapMs: 30, minLength: 6 }, serial: [{ path: scanner.device, baudRate: 9600, framing: 'cr' }] },
      relay: { kind: 'lcus', path: relay.device, channel: 1, baudRate: 9600, pulseMs: 200 },
      holdMs: 1000,
    }),
  });

  const scan = (text: string) => writeChunks(gun, [Buffer.from(`${text}\r`, 'latin1')]);

  it('shows the serial scanner connected', async () => {
    await expect.poll(() => gate.page.getByTestId('source-serial').getAttribute('data-state'), POLL).toBe('connected');
  });

  it('enrolls from the setup QR read by the serial scanner, once the PIN is entered on the screen', async () => {
    const created = await gate.stack.createStation('Gate S');
    await scan(created.setupPayload);
    await gate.page.getByTestId('setup-prompt').waitFor();
    expect(await gate.page.getByTestId('setup-prompt').getAttribute('data-mode')).toBe('enter');
    await gate.page.getByTestId('setup-pin').fill(TEST_PIN);
    await gate.page.getByTestId('setup-confirm').click();
    await expect.poll(() => gate.page.getByTestId('gate-name').textContent(), POLL).toBe('Gate S');
    await expect.poll(() => gate.page.getByTestId('not-enrolled').count(), POLL).toBe(0);
  });

  it('admits a ticket and pulses the relay: LCUS close, then open', async () => {
    const [ticket] = await gate.stack.buyTickets(1);
    await scan(ticket!.payload);
    expect(await verdictOf(gate.page)).toEqual(ADMIT);
    await expect.poll(() => gate.page.getByTestId('verdict-seat').textContent(), POLL).toContain(ticket!.seat);
    await expect.poll(() => relayBytes.length, POLL).toBe(8);
    expect(relayBytes).toEqual([0xa0, 0x01, 0x01, 0xa2, 0xa0, 0x01, 0x00, 0xa1]);
    await backToReady(gate.page);
  });

  it('turns garbage on the line into a red "bad ticket", and carries on', async () => {
    await scan('\u0000\u00ff}{not a ticket at all');
    const v = await verdictOf(gate.page);
    expect(v).toMatchObject({ kind: 'deny', reason: 'malformed' });
    await expect.poll(() => gate.page.getByTestId('verdict-reason').textContent(), POLL).toBe('Bad ticket');
    expect(relayBytes).toHaveLength(8);
    await backToReady(gate.page);
    const [ticket] = await gate.stack.buyTickets(1);
    await scan(ticket!.payload);
    expect(await verdictOf(gate.page)).toEqual(ADMIT);
  });
});
