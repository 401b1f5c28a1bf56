// Scanner driver benchmark (not a test): camera decode time and success rate for
// @zxing/library, zxing-wasm and jsQR on the same camera-like frames in one run, and
// the keyboard wedge detector's throughput. Prints a table; see scanner-drivers/README.md.
import os from 'node:os';
import jsQRModule, { type Options, type QRCode } from 'jsqr';
import { renderScene, sceneSet, type Scene } from '../scanner-drivers/testing/qr-images.js';
import { gp1Ticket } from '../scanner-drivers/testing/tickets.js';
import { decodeWithZxingJs } from '../scanner-drivers/camera/zxing-js.js';
import { decodeWithZxingWasm } from '../scanner-drivers/camera/zxing-wasm.js';
import { prepareZxingWasmForNode } from '../scanner-drivers/camera/zxing-wasm-node.js';
import { createCameraDecoder } from '../scanner-drivers/camera/decoder.js';
import type { Frame } from '../scanner-drivers/camera/frame.js';
import { WedgeDetector, type KeyEvent } from '../scanner-drivers/wedge/detector.js';
import { burst, endTime, typed } from '../scanner-drivers/testing/wedge-timelines.js';
import { gp1Like, rng } from '../scanner-drivers/testing/random.js';

// jsqr ships CommonJS typed as an ES default export; under NodeNext the types see the
// namespace, while at run time the import is the function itself (which also carries .default).
type JsQR = (data: Uint8ClampedArray, width: number, height: number, options?: Options) => QRCode | null;
const jsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as JsQR;

type Decode = (frame: Frame) => Promise<string | null> | string | null;

interface Row {
  engine: string;
  size: string;
  median: number;
  p95: number;
  success: number;
  frames: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

async function measure(engine: string, decode: Decode, frames: { frame: Frame; text: string }[], rounds: number, size: string): Promise<Row> {
  // One untimed pass: JIT warm-up and wasm instantiation are not per-frame costs.
  for (const { frame } of frames.slice(0, 3)) await decode(frame);
  const times: number[] = [];
  let ok = 0;
  for (let r = 0; r < rounds; r++) {
    for (const { frame, text } of frames) {
      const t0 = performance.now();
      const got = await decode(frame);
      times.push(performance.now() - t0);
      if (r === 0 && got === text) ok++;
    }
  }
  times.sort((a, b) => a - b);
  return { engine, size, median: quantile(times, 0.5), p95: quantile(times, 0.95), success: ok / frames.length, frames: frames.length };
}

function benchWedge(): { events: number; seconds: number; scans: number } {
  const random = rng(3);
  const timeline: KeyEvent[] = [];
  let t = 0;
  for (let i = 0; i < 400; i++) {
    const human = typed('seat 14B row 7', t, 80, 200, i);
    const scan = burst(gp1Like(random, 250), endTime(human) + 300, i + 1000);
    timeline.push(...human, ...scan);
    t = endTime(scan) + 300;
  }
  const repeats = 10;
  let scans = 0;
  const t0 = performance.now();
  for (let r = 0; r < repeats; r++) {
    const d = new WedgeDetector();
    for (const k of timeline) for (const o of d.push(k)) if (o.kind === 'scan') scans++;
    d.flush();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { events: timeline.length * repeats, seconds, scans };
}

async function main(): Promise<void> {
  await prepareZxingWasmForNode();
  const cameraPath = await createCameraDecoder({ prepareWasm: prepareZxingWasmForNode });
  const tickets = [gp1Ticket(1), gp1Ticket(2), gp1Ticket(3, false)];
  const engines: { name: string; decode: Decode; rounds: number }[] = [
    { name: '@zxing/library', decode: (f) => decodeWithZxingJs(f)?.text ?? null, rounds: 3 },
    { name: 'zxing-wasm', decode: async (f) => (await decodeWithZxingWasm(f))?.text ?? null, rounds: 3 },
    { name: `camera path (${cameraPath.engine})`, decode: async (f) => (await cameraPath.decode(f))?.text ?? null, rounds: 3 },
    {
      name: 'jsQR',
      // dontInvert: a camera-rate setting; the default also tries the inverted image, doubling the time.
      decode: (f) => jsQR(f.data as Uint8ClampedArray, f.width, f.height, { inversionAttempts: 'dontInvert' })?.data ?? null,
      rounds: 1,
    },
  ];

  console.log(`Scanner drivers benchmark — Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}`);
  console.log('Frames: real GP1 tickets (~259 chars, QR level M) in cluttered scenes, tilted 0–30°, 3 sizes, noise σ 0/6/12.\n');
  const rows: Row[] = [];
  for (const [width, height] of [
    [640, 480],
    [1280, 720],
  ] as const) {
    const scenes: Scene[] = [...sceneSet(width, height, tickets, 101), ...sceneSet(width, height, tickets, 202)];
    const frames = scenes.map((s) => ({ frame: renderScene(s), text: s.text! }));
    for (const e of engines) rows.push(await measure(e.name, e.decode, frames, e.rounds, `${width}×${height}`));
  }

  const header = ['engine', 'frame', 'median ms', 'p95 ms', 'decoded', 'frames'];
  const body = rows.map((r) => [r.engine, r.size, r.median.toFixed(1), r.p95.toFixed(1), `${(r.success * 100).toFixed(0)}%`, String(r.frames)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));

  const wasm640 = rows.find((r) => r.engine === 'zxing-wasm' && r.size === '640×480')!;
  const js640 = rows.find((r) => r.engine === '@zxing/library' && r.size === '640×480')!;
  const path640 = rows.find((r) => r.engine.startsWith('camera path') && r.size === '640×480')!;
  console.log(
    `\nzxing-wasm vs @zxing/library at 640×480: ${(js640.median / wasm640.median).toFixed(2)}× faster (median), ` +
      `${(wasm640.success * 100).toFixed(0)}% vs ${(js640.success * 100).toFixed(0)}% decoded`,
  );
  console.log(`Camera path target: median ≤ 16 ms per 640×480 frame — ${path640.median.toFixed(1)} ms: ${path640.median <= 16 ? 'met' : 'NOT met'}`);

  const w = benchWedge();
  console.log(`\nWedge detector: ${Math.round(w.events / w.seconds).toLocaleString('en')} key events/s (${w.events.toLocaleString('en')} events, ${w.scans} scans, ${w.seconds.toFixed(2)} s)`);
}

await main();
