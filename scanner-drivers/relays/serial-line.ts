// A serial line kept open between pulses (relay boards reset some state on open),
// reopened after any failure so a board that was unplugged and plugged back works
// on the next pulse.
import { SerialPort } from 'serialport';
import { MissingDeviceError } from './base.js';

export interface SerialLineOptions {
  path: string;
  baudRate?: number;
}

export class SerialLine {
  private port: SerialPort | undefined;

  constructor(readonly options: SerialLineOptions) {}

  /** Writes and drains; a handle left stale by an unplug fails once, and the write is retried on a fresh open. */
  async write(bytes: Uint8Array): Promise<void> {
    const reused = this.port?.isOpen === true;
    try {
      await this.writeOnce(await this.open(), bytes);
    } catch (err) {
      await this.close();
      if (!reused) throw err;
      await this.writeOnce(await this.open(), bytes);
    }
  }

  private async writeOnce(port: SerialPort, bytes: Uint8Array): Promise<void> {
    await new Promise<void>((resolve, reject) => port.write(Buffer.from(bytes), (err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve, reject) => port.drain((err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private async open(): Promise<SerialPort> {
    if (this.port?.isOpen) return this.port;
    const port = new SerialPort({ path: this.options.path, baudRate: this.options.baudRate ?? 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(missingPort(err, this.options.path)) : resolve())));
    // An unplug shows up as a close; the next write opens afresh.
    port.on('close', () => {
      if (this.port === port) this.port = undefined;
    });
    port.on('error', () => undefined);
    this.port = port;
    return port;
  }
}

/** "No such file or directory, cannot open …" in the words of the one who has to fix it. */
function missingPort(err: Error, path: string): Error {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !/no such file or directory/i.test(err.message)) return err;
  return new MissingDeviceError(`serial port ${path} does not exist (is the board plugged in? \`gatepost scanners list\` shows the ports)`);
}
