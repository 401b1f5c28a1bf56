// Relays against what a board would receive: the test reads the far end of a socat
// pty pair and checks the exact bytes, in order, and the time the contact stayed closed.
import { describe, expect, it } from 'vitest';
import type { SerialPort } from 'serialport';
import { CommandRelay, LcusRelay, lcusFrame, parseCommandBytes } from './serial-relays.js';
import { DctTechRelay, NoRelay, dcttechReport, type FeatureDevice } from './other-relays.js';
import { createRelay } from './create.js';
import type { RelayStatus } from '../types.js';
import { ptyBench, socatAvailable } from '../testing/socat.js';
import { until } from '../testing/wait.js';

const HAVE_SOCAT = socatAvailable();

/** Records what arrives at the board's end, with arrival times. */
function record(port: SerialPort) {
  const chunks: { at: number; bytes: number[] }[] = [];
  port.on('data', (b: Buffer) => chunks.push({ at: Date.now(), bytes: [...b] }));
  return {
    chunks,
    bytes: () => chunks.flatMap((c) => c.bytes),
    /** Time the byte at `index` arrived. */
    timeOf(index: number): number {
      let n = 0;
      for (const c of chunks) {
        n += c.bytes.length;
        if (n > index) return c.at;
      }
      throw new Error(`byte ${index} never arrived`);
    },
  };
}

describe('relay frames', () => {
  it('builds LCUS frames with the board checksum', () => {
    expect([...lcusFrame(1, true)]).toEqual([0xa0, 0x01, 0x01, 0xa2]);
    expect([...lcusFrame(1, false)]).toEqual([0xa0, 0x01, 0x00, 0xa1]);
    expect([...lcusFrame(2, true)]).toEqual([0xa0, 0x02, 0x01, 0xa3]);
    expect([...lcusFrame(0x60, true)]).toEqual([0xa0, 0x60, 0x01, 0x01]);
  });

  it('reads configured commands as hex or text', () => {
    expect([...parseCommandBytes('A0 01 01 A2')]).toEqual([0xa0, 1, 1, 0xa2]);
    expect([...parseCommandBytes('hex:0xff01')]).toEqual([0xff, 1]);
    expect([...parseCommandBytes('text:AB')]).toEqual([0x41, 0x42]);
    expect([...parseCommandBytes('OPEN\\r\\n')]).toEqual([...Buffer.from('OPEN\r\n')]);
    expect([...parseCommandBytes('R1\\x01')]).toEqual([0x52, 0x31, 0x01]);
    expect(() => parseCommandBytes('hex:ABC')).toThrow(/hex/);
  });

  it('builds DCTTech feature reports', () => {
    expect(dcttechReport(1, true)).toEqual([0, 0xff, 1, 0, 0, 0, 0, 0, 0]);
    expect(dcttechReport(2, false)).toEqual([0, 0xfd, 2, 0, 0, 0, 0, 0, 0]);
  });
});

describe.skipIf(!HAVE_SOCAT)('serial relays over a socat pty pair', () => {
  const bench = ptyBench();

  async function board() {
    const pair = await bench.pair();
    return { pair, rec: record(await bench.farEnd(pair.far, 9600)) };
  }

  it('LCUS: sends A0 01 01 A2, holds for the pulse, then A0 01 00 A1', async () => {
    const { pair, rec } = await board();
    const relay = new LcusRelay({ path: pair.device });
    bench.cleanup(() => relay.close());
    const t0 = Date.now();
    await relay.pulse(250);
    await until(() => rec.bytes().length >= 8, 'both LCUS frames');
    expect(rec.bytes()).toEqual([0xa0, 0x01, 0x01, 0xa2, 0xa0, 0x01, 0x00, 0xa1]);
    // The open frame cannot leave before the pulse time has passed since pulse() was called.
    expect(rec.timeOf(4) - t0).toBeGreaterThanOrEqual(250);
    expect(rec.timeOf(4) - rec.timeOf(0)).toBeLessThan(1000);
    expect(relay.status.state).toBe('ready');
  });

  it('LCUS channel 2, pulsed twice: the port stays open and each pulse sends its pair', async () => {
    const { pair, rec } = await board();
    const relay = createRelay({ kind: 'lcus', path: pair.device, channel: 2 });
    bench.cleanup(() => relay.close());
    await relay.pulse(20);
    await relay.pulse(20);
    await until(() => rec.bytes().length >= 16, 'two pulses');
    expect(rec.bytes()).toEqual([...lcusFrame(2, true), ...lcusFrame(2, false), ...lcusFrame(2, true), ...lcusFrame(2, false)]);
  });

  it('a second pulse during the first keeps the relay closed until the later end, with one close and one open', async () => {
    const { pair, rec } = await board();
    const relay = new LcusRelay({ path: pair.device });
    bench.cleanup(() => relay.close());
    const first = relay.pulse(100);
    await until(() => rec.bytes().length >= 4, 'the close frame');
    const second = relay.pulse(300);
    await Promise.all([first, second]);
    await until(() => rec.bytes().length >= 8, 'the open frame');
    expect(rec.bytes()).toEqual([...lcusFrame(1, true), ...lcusFrame(1, false)]);
    expect(rec.timeOf(4) - rec.timeOf(0)).toBeGreaterThanOrEqual(290);
  });

  it('text commands: sends the configured bytes exactly', async () => {
    const { pair, rec } = await board();
    const relay = new CommandRelay({ path: pair.device, on: 'text:RELAY ON\\r\\n', off: 'RELAY OFF\\r\\n' });
    bench.cleanup(() => relay.close());
    await relay.pulse(50);
    await until(() => rec.bytes().length >= 21, 'both commands');
    expect(Buffer.from(rec.bytes()).toString('latin1')).toBe('RELAY ON\r\nRELAY OFF\r\n');
  });

  it('hex commands: sends the configured bytes exactly', async () => {
    const { pair, rec } = await board();
    const relay = createRelay({ kind: 'serial-command', path: pair.device, on: 'FE 05 00 00 FF 00 98 35', off: 'FE 05 00 00 00 00 D9 C5' });
    bench.cleanup(() => relay.close());
    await relay.pulse(10);
    await until(() => rec.bytes().length >= 16, 'both commands');
    expect(rec.bytes()).toEqual([0xfe, 5, 0, 0, 0xff, 0, 0x98, 0x35, 0xfe, 5, 0, 0, 0, 0, 0xd9, 0xc5]);
  });

  it('a board that was unplugged and plugged back works on the next pulse', async () => {
    const { pair } = await board();
    const relay = new LcusRelay({ path: pair.device });
    bench.cleanup(() => relay.close());
    await relay.pulse(10);
    await pair.kill();
    const again = await board();
    await relay.pulse(10);
    await until(() => again.rec.bytes().length >= 8, 'frames after the replug');
    expect(again.rec.bytes()).toEqual([...lcusFrame(1, true), ...lcusFrame(1, false)]);
    expect(relay.status.state).toBe('ready');
  });
});

describe('failing relays', () => {
  it('a missing serial board: pulse resolves at once, never rejects, and the status says why', async () => {
    const relay = new LcusRelay({ path: '/nonexistent/ttyRELAY' });
    const statuses: RelayStatus[] = [];
    relay.on('status', (s) => statuses.push(s));
    const t0 = Date.now();
    await expect(relay.pulse(5000)).resolves.toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(statuses).toEqual([{ state: 'error', detail: expect.stringMatching(/^serial port \/nonexistent\/ttyRELAY does not exist/) }]);
  });

  it('a board that never answers gives up after the command timeout instead of hanging the caller', async () => {
    const relay = new DctTechRelay({ open: () => new Promise<FeatureDevice>(() => undefined), commandTimeoutMs: 100 });
    const t0 = Date.now();
    await relay.pulse(5000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(relay.status).toEqual({ state: 'error', detail: 'could not close the relay: no answer within 100 ms' });
  });

  it('a listener that throws does not break the relay', async () => {
    const relay = new NoRelay();
    relay.on('status', () => {
      throw new Error('listener bug');
    });
    const errors: unknown[] = [];
    const onUncaught = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      await relay.pulse(100);
      await until(() => errors.length === 1, 'the listener error to be reported');
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(relay.status).toEqual({ state: 'ready', detail: 'no relay configured' });
  });
});

describe('DCTTech HID relay', () => {
  it('sends the close then open feature reports for its channel, holding for the pulse', async () => {
    const sent: { at: number; report: number[] }[] = [];
    const relay = new DctTechRelay({
      channel: 3,
      open: async () => ({
        sendFeatureReport: async (data) => (sent.push({ at: Date.now(), report: [...data] }), data.length),
        close: async () => undefined,
      }),
    });
    await relay.pulse(120);
    expect(sent.map((s) => s.report)).toEqual([dcttechReport(3, true), dcttechReport(3, false)]);
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(115);
    expect(relay.status.state).toBe('ready');
  });
});
