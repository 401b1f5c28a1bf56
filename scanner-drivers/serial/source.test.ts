// The serial source against real pseudo-terminals: socat plays the cable, the test
// plays the scanner on the far end, and killing socat is pulling the plug.
import { describe, expect, it } from 'vitest';
import { SerialScanSource } from './source.js';
import { framingName, parseFraming } from './framing.js';
import type { ScanEvent, StatusEvent } from '../types.js';
import { ptyBench, socatAvailable, type PtyPair } from '../testing/socat.js';
import { closePort, splitRandomly, writeChunks } from '../testing/far-end.js';
import { encodeFrame } from '../testing/frames.js';
import { nextStatus, until } from '../testing/wait.js';
import { gp1Like, rng } from '../testing/random.js';

const HAVE_SOCAT = socatAvailable();

describe.skipIf(!HAVE_SOCAT)('serial source over a socat pty pair', () => {
  const bench = ptyBench();

  async function rig(opts: { baud: number; framing: string; pollMs?: number }) {
    const pair = await bench.pair();
    const source = new SerialScanSource({ path: pair.device, baudRate: opts.baud, framing: opts.framing, pollMs: opts.pollMs });
    const scans: ScanEvent[] = [];
    const statuses: StatusEvent[] = [];
    source.on('scan', (s) => scans.push(s));
    source.on('status', (s) => statuses.push(s));
    bench.cleanup(() => source.stop());
    await source.start();
    expect(source.status.state).toBe('connected');
    const far = await bench.farEnd(pair.far, opts.baud);
    return { pair, source, scans, statuses, far };
  }

  for (const framingSpec of ['cr', 'lf', 'crlf', 'stx-etx', 'timeout:40']) {
    for (const baud of [9600, 115200]) {
      it(`reads codes framed ${framingSpec} at ${baud} baud, written in random pieces`, async () => {
        const framing = parseFraming(framingSpec);
        const { source, scans, far } = await rig({ baud, framing: framingSpec });
        const random = rng(baud + framingSpec.length);
        const codes = [
          { wire: gp1Like(random, 250), text: '', symbology: 'unknown' },
          { wire: ']Q1' + gp1Like(random, 120), text: '', symbology: 'qr' },
          { wire: '0123456789abcdef0123456789abcdef', text: '', symbology: 'unknown' },
          { wire: ']E04006381333931', text: '4006381333931', symbology: 'ean-13' },
        ].map((c) => ({ ...c, text: c.text || c.wire.replace(/^\][A-Za-z]\d/, '') }));
        for (const code of codes) {
          const seen = scans.length;
          await writeChunks(far, splitRandomly(encodeFrame(code.wire, framing), random));
          // Timeout framing needs the line to go quiet between codes: wait for this one to land.
          if (framing.kind === 'timeout') await until(() => scans.length > seen, 'the code to be read');
        }
        await until(() => scans.length >= codes.length, `${codes.length} scans`);
        expect(scans.map(({ text, symbology }) => ({ text, symbology }))).toEqual(codes.map(({ text, symbology }) => ({ text, symbology })));
        expect(scans.every((s) => s.source === source.name && Math.abs(s.at - Date.now()) < 60_000)).toBe(true);
        expect(framingName(source.framing)).toBe(framingSpec);
      });
    }
  }

  it('drops line noise, says so in its status, and keeps reading', async () => {
    const { scans, statuses, far, source } = await rig({ baud: 9600, framing: 'stx-etx' });
    await writeChunks(far, [Uint8Array.from([0xff, 0x00, 0x55]), encodeFrame('AFTERNOISE1', parseFraming('stx-etx'))]);
    await until(() => scans.length === 1, 'the code after the noise');
    expect(scans[0]!.text).toBe('AFTERNOISE1');
    expect(statuses.some((s) => s.state === 'error' && /dropped 3 byte/.test(s.detail))).toBe(true);
    await writeChunks(far, [encodeFrame('CLEAN2', parseFraming('stx-etx'))]);
    await until(() => scans.length === 2, 'the next clean code');
    expect(source.status.state).toBe('connected');
  });

  it('reports an unplug, finds the device again by itself, and reads from it', async () => {
    const pollMs = 2000;
    const { pair, source, scans, statuses, far } = await rig({ baud: 115200, framing: 'cr', pollMs });
    await writeChunks(far, [encodeFrame('BEFORE-UNPLUG', parseFraming('cr'))]);
    await until(() => scans.length === 1, 'the first code');

    const gone = nextStatus(source, (s) => s.state === 'disconnected');
    await closePort(far);
    await pair.kill();
    const down = await gone;
    expect(down.detail).toMatch(/went away/);

    const back = nextStatus(source, (s) => s.state === 'connected', pollMs * 3);
    const replugged: PtyPair = await bench.pair();
    await back;
    const far2 = await bench.farEnd(replugged.far, 115200);
    await writeChunks(far2, [encodeFrame('AFTER-REPLUG', parseFraming('cr'))]);
    await until(() => scans.length === 2, 'a code after the replug');
    expect(scans.map((s) => s.text)).toEqual(['BEFORE-UNPLUG', 'AFTER-REPLUG']);
    expect(statuses.map((s) => s.state)).toEqual(['connected', 'disconnected', 'connected']);
  });

  it('starts with the device absent, says so, and connects when it appears', async () => {
    const path = `${bench.dir}/device`;
    const source = new SerialScanSource({ path, pollMs: 200 });
    bench.cleanup(() => source.stop());
    await source.start();
    expect(source.status).toMatchObject({ state: 'disconnected', detail: expect.stringMatching(/not present/) });
    const up = nextStatus(source, (s) => s.state === 'connected');
    await bench.pair();
    await up;
  });

  it('releases the port on stop, so another program can open it at once', async () => {
    const { source } = await rig({ baud: 9600, framing: 'lf' });
    await source.stop();
    expect(source.status.state).toBe('disconnected');
    // serialport locks the port exclusively: a leaked handle would make this open fail.
    const again = new SerialScanSource({ path: `${bench.dir}/device`, framing: 'lf' });
    bench.cleanup(() => again.stop());
    await again.start();
    expect(again.status.state).toBe('connected');
  });
});
