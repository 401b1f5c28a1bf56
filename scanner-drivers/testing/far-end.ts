// The test's side of a pty pair, opened with serialport like a real host or device would.
import { SerialPort } from 'serialport';

export async function openFarEnd(path: string, baudRate: number): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

/** Writes each chunk and waits for it to be handed to the OS before the next, so chunk boundaries are real writes. */
export async function writeChunks(port: SerialPort, chunks: Uint8Array[]): Promise<void> {
  for (const chunk of chunks) {
    await new Promise<void>((resolve, reject) => port.write(Buffer.from(chunk), (err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve, reject) => port.drain((err) => (err ? reject(err) : resolve())));
  }
}

export function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}

/** Splits `bytes` at random boundaries (1–`max` bytes per piece). */
export function splitRandomly(bytes: Uint8Array, random: () => number, max = 17): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(random() * max);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}
