// Relay boards on a serial line: LCUS-style boards with their 4-byte frames, and
// any board driven by a configured pair of commands.
import { BaseRelay, type RelayTiming } from './base.js';
import { SerialLine } from './serial-line.js';

/** LCUS frame: A0, channel, state (01 closed, 00 open), checksum = (A0 + channel + state) & FF. */
export function lcusFrame(channel: number, closed: boolean): Uint8Array {
  const state = closed ? 0x01 : 0x00;
  return Uint8Array.from([0xa0, channel, state, (0xa0 + channel + state) & 0xff]);
}

export interface LcusRelayOptions extends RelayTiming {
  path: string;
  /** 1-based channel on multi-relay boards. Default 1. */
  channel?: number;
  /** LCUS boards talk at 9600 baud. */
  baudRate?: number;
}

export class LcusRelay extends BaseRelay {
  readonly name: string;
  private readonly line: SerialLine;
  private readonly channel: number;

  constructor(options: LcusRelayOptions) {
    super(options);
    this.channel = options.channel ?? 1;
    if (!Number.isInteger(this.channel) || this.channel < 1 || this.channel > 255) throw new Error(`LCUS channel must be 1–255, got ${options.channel}`);
    this.line = new SerialLine({ path: options.path, baudRate: options.baudRate ?? 9600 });
    this.name = `lcus:${options.path}#${this.channel}`;
  }

  protected apply(closed: boolean): Promise<void> {
    return this.line.write(lcusFrame(this.channel, closed));
  }

  protected release(): Promise<void> {
    return this.line.close();
  }
}

/**
 * Parses a configured command: `hex:A0 01 01 A2`, `text:OPEN\r\n`, or without a
 * prefix, hex when it is only hex digit pairs (spaces allowed), text otherwise.
 * Text understands \r \n \t \\ and \xNN.
 */
export function parseCommandBytes(spec: string): Uint8Array {
  if (spec.startsWith('hex:')) return parseHex(spec.slice(4));
  if (spec.startsWith('text:')) return parseText(spec.slice(5));
  const compact = spec.replace(/\s+/g, '');
  if (/^(0x)?([0-9a-f]{2})+$/i.test(compact)) return parseHex(spec);
  return parseText(spec);
}

function parseHex(s: string): Uint8Array {
  const compact = s.replace(/\s+/g, '').replace(/^0x/i, '');
  if (!/^([0-9a-f]{2})+$/i.test(compact)) throw new Error(`not hex byte pairs: "${s}"`);
  return Uint8Array.from(compact.match(/../g)!.map((h) => parseInt(h, 16)));
}

function parseText(s: string): Uint8Array {
  const unescaped = s.replace(/\\(x[0-9a-fA-F]{2}|[rnt\\])/g, (_, e: string) =>
    e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : ({ r: '\r', n: '\n', t: '\t', '\\': '\\' } as Record<string, string>)[e]!,
  );
  if (unescaped.length === 0) throw new Error('empty command');
  return Uint8Array.from(Array.from(unescaped, (c) => c.charCodeAt(0) & 0xff));
}

export interface CommandRelayOptions extends RelayTiming {
  path: string;
  baudRate?: number;
  /** Bytes (or a spec for parseCommandBytes) that close the relay. */
  on: Uint8Array | string;
  /** Bytes (or a spec) that open it. */
  off: Uint8Array | string;
}

export class CommandRelay extends BaseRelay {
  readonly name: string;
  private readonly line: SerialLine;
  private readonly onBytes: Uint8Array;
  private readonly offBytes: Uint8Array;

  constructor(options: CommandRelayOptions) {
    super(options);
    this.onBytes = typeof options.on === 'string' ? parseCommandBytes(options.on) : options.on;
    this.offBytes = typeof options.off === 'string' ? parseCommandBytes(options.off) : options.off;
    this.line = new SerialLine({ path: options.path, baudRate: options.baudRate ?? 9600 });
    this.name = `serial-command:${options.path}`;
  }

  protected apply(closed: boolean): Promise<void> {
    return this.line.write(closed ? this.onBytes : this.offBytes);
  }

  protected release(): Promise<void> {
    return this.line.close();
  }
}
