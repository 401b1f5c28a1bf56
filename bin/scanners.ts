// `gatepost scanners list | listen | decode`: venue IT's tools for finding a scanner,
// checking what it sends, and checking that a ticket image reads.
import { parseFlags, UsageError } from './options.js';
import { listSerialPorts } from '../scanner-drivers/serial/list.js';
import { listHidScanners, parseVidPid } from '../scanner-drivers/hid/devices.js';
import { SerialScanSource } from '../scanner-drivers/serial/source.js';
import { parseFraming } from '../scanner-drivers/serial/framing.js';
import { HidPosScanSource } from '../scanner-drivers/hid/source.js';
import { decodeImageFile, ImageFormatError } from '../scanner-drivers/camera/still-image.js';
import type { ScanSource } from '../scanner-drivers/types.js';

const USAGE = `usage: gatepost scanners <subcommand>

  list                                   serial ports and HID scanner candidates
  listen --serial PATH [--baud N] [--framing cr|lf|crlf|stx-etx|timeout:MS]
         [--data-bits 8] [--parity none] [--stop-bits 1] [--keep-aim]
  listen --hid VID:PID|PATH [--honeywell-switch]
                                         one JSON line per scan on stdout, status on stderr
  decode IMAGE                           print the code in a PNG/JPEG image (exit 1 if none)`;

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'list':
      return list(rest);
    case 'listen':
      return listen(rest);
    case 'decode':
      return decode(rest);
    case undefined:
    case '--help':
    case '-h':
      console.log(USAGE);
      if (sub === undefined) process.exitCode = 2;
      return;
    default:
      throw new UsageError(`unknown subcommand "${sub}"\n\n${USAGE}`);
  }
}

async function list(argv: string[]): Promise<void> {
  const flags = parseFlags('scanners list', argv, { json: { type: 'boolean', help: 'print JSON instead of a table' } });
  const serial = await listSerialPorts().catch((err: Error) => ({ error: err.message }));
  const hid = await listHidScanners().catch((err: Error) => ({ error: err.message }));
  if (flags.json) {
    console.log(JSON.stringify({ serial, hid }, null, 2));
    return;
  }
  console.log('Serial ports:');
  if ('error' in serial) console.log(`  (cannot list: ${serial.error})`);
  else if (serial.length === 0) console.log('  (none)');
  else for (const p of serial) console.log(`  ${p.path.padEnd(22)} ${[p.manufacturer, p.vendorId && `${p.vendorId}:${p.productId}`].filter(Boolean).join('  ')}`);
  console.log('HID scanners (usage page 0x8C or a known scanner vendor):');
  if ('error' in hid) console.log(`  (cannot list: ${hid.error})`);
  else if (hid.length === 0) console.log('  (none)');
  else
    for (const d of hid)
      console.log(`  ${d.id}  ${d.vendor.padEnd(14)} ${(d.product ?? '').padEnd(24)} ${d.hidPos ? 'HID POS ' : 'keyboard'}  ${d.path ?? ''}`);
}

async function listen(argv: string[]): Promise<void> {
  const flags = parseFlags('scanners listen', argv, {
    serial: { type: 'string', env: 'GATEPOST_SCANNER_SERIAL', help: 'serial port path' },
    baud: { type: 'string', env: 'GATEPOST_SCANNER_BAUD', default: '9600', help: 'baud rate' },
    framing: { type: 'string', env: 'GATEPOST_SCANNER_FRAMING', default: 'cr', help: 'cr|lf|crlf|stx-etx|timeout:MS' },
    'data-bits': { type: 'string', default: '8', help: '5|6|7|8' },
    parity: { type: 'string', default: 'none', help: 'none|even|odd|mark|space' },
    'stop-bits': { type: 'string', default: '1', help: '1|1.5|2' },
    'keep-aim': { type: 'boolean', help: 'do not strip AIM ]Xn prefixes' },
    hid: { type: 'string', env: 'GATEPOST_SCANNER_HID', help: 'HID POS scanner as VID:PID (hex) or hidraw path' },
    'honeywell-switch': { type: 'boolean', help: 'send the Honeywell HID POS switch report on open' },
  });
  if (!flags.serial === !flags.hid) throw new UsageError('give exactly one of --serial PATH or --hid VID:PID');
  let source: ScanSource;
  if (flags.serial) {
    const baudRate = Number(flags.baud);
    if (!Number.isInteger(baudRate) || baudRate < 50 || baudRate > 4_000_000) throw new UsageError(`--baud must be a baud rate, got "${flags.baud}"`);
    const dataBits = Number(flags['data-bits']);
    if (![5, 6, 7, 8].includes(dataBits)) throw new UsageError(`--data-bits must be 5–8, got "${flags['data-bits']}"`);
    const parity = flags.parity ?? 'none';
    if (!['none', 'even', 'odd', 'mark', 'space'].includes(parity)) throw new UsageError(`--parity must be none|even|odd|mark|space, got "${parity}"`);
    const stopBits = Number(flags['stop-bits']);
    if (![1, 1.5, 2].includes(stopBits)) throw new UsageError(`--stop-bits must be 1, 1.5 or 2, got "${flags['stop-bits']}"`);
    let framing;
    try {
      framing = parseFraming(flags.framing ?? 'cr');
    } catch (err) {
      throw new UsageError(`--${(err as Error).message}`);
    }
    source = new SerialScanSource({
      path: flags.serial,
      baudRate,
      dataBits: dataBits as 8,
      parity: parity as 'none',
      stopBits: stopBits as 1,
      framing,
      aim: !flags['keep-aim'],
    });
  } else {
    const spec = flags.hid!;
    const ids = parseVidPid(spec);
    if (!ids && !spec.startsWith('/')) throw new UsageError(`--hid must be VID:PID in hex (e.g. 0c2e:0b61) or a device path, got "${spec}"`);
    source = new HidPosScanSource({ target: ids ?? { path: spec }, honeywellSwitch: flags['honeywell-switch'] });
  }

  source.on('scan', (scan) => process.stdout.write(JSON.stringify(scan) + '\n'));
  source.on('status', (s) => process.stderr.write(`${source.name}: ${s.state}: ${s.detail}\n`));
  const stopped = new Promise<void>((resolve) => {
    const stop = () => void source.stop().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await source.start();
  await stopped;
}

async function decode(argv: string[]): Promise<void> {
  const positional = argv.filter((a) => !a.startsWith('-'));
  parseFlags(
    'scanners decode IMAGE',
    argv.filter((a) => a.startsWith('-')),
    {},
  );
  if (positional.length !== 1) throw new UsageError('give one image: gatepost scanners decode IMAGE');
  const file = positional[0]!;
  let found;
  try {
    found = await decodeImageFile(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e instanceof ImageFormatError ? e.message : e.code === 'ENOENT' ? 'no such file' : e.message;
    console.error(`gatepost scanners decode: ${file}: ${why}`);
    process.exitCode = 1;
    return;
  }
  if (!found) {
    console.error(`gatepost scanners decode: no code found in ${file}`);
    process.exitCode = 1;
    return;
  }
  console.log(found.text);
}
