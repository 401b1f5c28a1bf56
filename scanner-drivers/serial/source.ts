// A serial (or USB-CDC) scanner as a ScanSource. Unplugging is normal at a gate: the
// source says so, then polls for the device and carries on when it is back, with no
// one restarting anything.
import { SerialPort } from 'serialport';
import { PolledSource, retryingEvery } from '../polled-source.js';
import { Framer, framingName, parseFraming, type Dropped, type Framing } from './framing.js';
import { frameToText } from './text.js';

export interface SerialSourceOptions {
  path: string;
  baudRate?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits?: 1 | 1.5 | 2;
  /** A Framing or its text form: cr, lf, crlf, stx-etx, timeout:MS. Default cr. */
  framing?: Framing | string;
  /** Strip a leading AIM `]Xn` id and report the symbology. Default true. */
  aim?: boolean;
  /** How often to look for the device while it is away. Default 2000 ms. */
  pollMs?: number;
  name?: string;
}

export class SerialScanSource extends PolledSource {
  readonly name: string;
  readonly framing: Framing;
  private readonly options: Required<Omit<SerialSourceOptions, 'framing' | 'name'>>;
  private port: SerialPort | undefined;
  private framer: Framer;
  private quietTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SerialSourceOptions) {
    super();
    this.framing = typeof options.framing === 'string' ? parseFraming(options.framing) : (options.framing ?? { kind: 'cr' });
    this.options = {
      path: options.path,
      baudRate: options.baudRate ?? 9600,
      dataBits: options.dataBits ?? 8,
      parity: options.parity ?? 'none',
      stopBits: options.stopBits ?? 1,
      aim: options.aim ?? true,
      pollMs: options.pollMs ?? 2000,
    };
    this.name = options.name ?? `serial:${options.path}`;
    this.framer = new Framer(this.framing);
  }

  protected async release(): Promise<void> {
    clearTimeout(this.quietTimer);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  protected async open(): Promise<void> {
    const { path, baudRate, dataBits, parity, stopBits } = this.options;
    const port = new SerialPort({ path, baudRate, dataBits, parity, stopBits, autoOpen: false });
    const error = await new Promise<Error | null>((resolve) => port.open((err) => resolve(err ?? null)));
    if (!this.running) {
      if (!error) port.close();
      return;
    }
    if (error) {
      const absent = /no such file|ENOENT|cannot open/i.test(error.message) && !/permission|EACCES|busy/i.test(error.message);
      const retry = retryingEvery(this.options.pollMs);
      if (absent) this.setStatus('disconnected', `${path} is not present${retry}`);
      else this.setStatus('error', `cannot open ${path}: ${error.message}${retry}`);
      this.schedulePoll();
      return;
    }
    this.port = port;
    this.framer = new Framer(this.framing);
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('error', (err: Error) => this.setStatus('error', `${path}: ${err.message}`));
    port.on('close', () => this.onClose(port));
    this.setStatus('connected', `${path} open at ${baudRate} baud, ${dataBits}${parity[0]!.toUpperCase()}${stopBits}, framing ${framingName(this.framing)}`);
  }

  private onClose(port: SerialPort): void {
    if (this.port !== port) return;
    this.port = undefined;
    clearTimeout(this.quietTimer);
    if (!this.running) return;
    this.setStatus('disconnected', `${this.options.path} went away${retryingEvery(this.options.pollMs)}`);
    this.schedulePoll();
  }

  private schedulePoll(): void {
    this.schedule(this.options.pollMs, () => this.open());
  }

  private onData(chunk: Buffer): void {
    const { frames, dropped } = this.framer.push(chunk);
    this.handle(frames, dropped);
    if (this.framing.kind === 'timeout') {
      clearTimeout(this.quietTimer);
      const ms = this.framing.ms;
      this.quietTimer = setTimeout(() => {
        const out = this.framer.flush();
        this.handle(out.frames, out.dropped);
      }, ms);
    }
  }

  private handle(frames: Uint8Array[], dropped: Dropped[]): void {
    for (const d of dropped) this.setStatus('error', `dropped ${d.bytes} byte(s): ${d.why}`);
    for (const frame of frames) {
      const t = frameToText(frame, this.options.aim);
      if (t.dropped > 0) this.setStatus('error', `dropped ${t.dropped} unexpected byte(s) from a code`);
      if (t.text.length === 0) continue;
      // A good code after a report of bad bytes means the line is healthy again.
      if (this.status.state === 'error' && t.dropped === 0) this.setStatus('connected', `${this.options.path} receiving`);
      this.emit('scan', { text: t.text, symbology: t.symbology, source: this.name, at: Date.now() });
    }
  }
}
