// The venue IT commands end to end: `gatepost scanners …` and `gatepost relay pulse`
// run as child processes against real pty pairs and real image files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { ptyBench, socatAvailable } from './testing/socat.js';
import { closePort, splitRandomly, writeChunks } from './testing/far-end.js';
import { encodeFrame } from './testing/frames.js';
import { gatepost } from './testing/cli.js';
import { until } from './testing/wait.js';
import { gp1Like, rng } from './testing/random.js';
import { parseFraming } from './serial/framing.js';
import { lcusFrame } from './relays/serial-relays.js';
import { renderScene } from './testing/qr-images.js';
import { gp1Ticket } from './testing/tickets.js';

const HAVE_SOCAT = socatAvailable();

const bench = ptyBench('gatepost-cli-');

describe.skipIf(!HAVE_SOCAT)('gatepost scanners listen', () => {
  it('prints one JSON line per scan on stdout and its status on stderr, through an unplug', async () => {
    const pair = await bench.pair();
    const cli = gatepost(['scanners', 'listen', '--serial', pair.device, '--baud', '115200', '--framing', 'crlf']);
    bench.cleanup(() => {
      cli.child.kill('SIGKILL');
    });
    await cli.waitFor('stderr', (l) => l.includes(': connected:'), 'the port to open');

    const far = await bench.farEnd(pair.far, 115200);
    const random = rng(77);
    const codes = [gp1Like(random, 250), ']Q1' + gp1Like(random, 80), 'a3f09c6e11d24b7c8e9f00112233abcd'];
    for (const code of codes) await writeChunks(far, splitRandomly(encodeFrame(code, parseFraming('crlf')), random));
    await until(() => cli.stdout.length >= 3, 'three JSON lines', 20_000);
    const scans = cli.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(scans.map((s) => [s.text, s.symbology])).toEqual([
      [codes[0], 'unknown'],
      [codes[1]!.slice(3), 'qr'],
      [codes[2], 'unknown'],
    ]);
    for (const s of scans) {
      expect(s.source).toBe(`serial:${pair.device}`);
      expect(typeof s.at).toBe('number');
    }

    await closePort(far);
    await pair.kill();
    await cli.waitFor('stderr', (l) => l.includes(': disconnected:'), 'the unplug to be reported');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout).toHaveLength(3);
  });
});

describe.skipIf(!HAVE_SOCAT)('gatepost relay pulse', () => {
  async function board() {
    const pair = await bench.pair();
    const far = await bench.farEnd(pair.far, 9600);
    const received: number[] = [];
    far.on('data', (b: Buffer) => received.push(...b));
    return { pair, received };
  }

  it('--protocol lcus sends the close and open frames', async () => {
    const { pair, received } = await board();
    const cli = gatepost(['relay', 'pulse', '--serial', pair.device, '--protocol', 'lcus', '--ms', '150']);
    expect(await cli.exited).toBe(0);
    await until(() => received.length >= 8, 'both frames');
    expect(received).toEqual([...lcusFrame(1, true), ...lcusFrame(1, false)]);
    expect(cli.stdout.join('\n')).toMatch(/pulsed 150 ms/);
  });

  it('--protocol text sends the configured commands', async () => {
    const { pair, received } = await board();
    const cli = gatepost(['relay', 'pulse', '--serial', pair.device, '--protocol', 'text', '--on', 'text:ON\\r', '--off', '4F 46 46 0D', '--ms', '20']);
    expect(await cli.exited).toBe(0);
    await until(() => received.length >= 7, 'both commands');
    expect(Buffer.from(received).toString('latin1')).toBe('ON\rOFF\r');
  });

  it('exits 1 naming the problem when the board is not there', async () => {
    const cli = gatepost(['relay', 'pulse', '--serial', join(bench.dir, 'missing'), '--protocol', 'lcus']);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr.join('\n')).toMatch(/serial port .*missing does not exist/);
    expect(cli.stderr.join('\n')).not.toMatch(/could not close/);
  });
});

describe('gatepost scanners decode', () => {
  it('prints the ticket text from a PNG, and exits 1 with a message when there is no code', async () => {
    const ticket = gp1Ticket(3);
    const write = (name: string, text: string | null) => {
      const frame = renderScene({ width: 640, height: 480, text, angle: 25, size: 0.7, noise: 4 });
      const png = new PNG({ width: 640, height: 480 });
      png.data = Buffer.from(frame.data);
      const path = join(bench.dir, name);
      writeFileSync(path, PNG.sync.write(png));
      return path;
    };
    const withCode = gatepost(['scanners', 'decode', write('ticket.png', ticket)]);
    const without = gatepost(['scanners', 'decode', write('blank.png', null)]);
    expect(await withCode.exited).toBe(0);
    expect(withCode.stdout).toEqual([ticket]);
    expect(await without.exited).toBe(1);
    expect(without.stderr.join('\n')).toMatch(/no code found in .*blank\.png/);
  });
});
