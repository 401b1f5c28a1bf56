// `gatepost relay pulse`: venue IT's check that the turnstile relay is wired and
// answers, without starting a station.
import { parseFlags, UsageError } from './options.js';
import { createRelay, type RelayConfig } from '../scanner-drivers/relays/create.js';
import { parseCommandBytes } from '../scanner-drivers/relays/serial-relays.js';
import { MAX_PULSE_MS } from '../scanner-drivers/relays/base.js';

const USAGE = `usage: gatepost relay pulse --serial PATH --protocol lcus|text [--on HEX --off HEX] [--ms N]

  --protocol lcus      LCUS-style board (A0 channel state checksum) at 9600 baud
  --protocol text      send --on, wait, send --off (hex bytes, or text:… with \\r \\n \\xNN escapes)
  --protocol dcttech   DCTTech USB HID relay (16c0:05df); no --serial needed`;

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(USAGE);
    if (sub === undefined) process.exitCode = 2;
    return;
  }
  if (sub !== 'pulse') throw new UsageError(`unknown subcommand "${sub}"\n\n${USAGE}`);
  const flags = parseFlags('relay pulse', rest, {
    serial: { type: 'string', env: 'GATEPOST_RELAY_SERIAL', help: 'serial port of the relay board' },
    protocol: { type: 'string', env: 'GATEPOST_RELAY_PROTOCOL', default: 'lcus', help: 'lcus|text|dcttech' },
    on: { type: 'string', env: 'GATEPOST_RELAY_ON', help: 'command that closes the relay (text protocol)' },
    off: { type: 'string', env: 'GATEPOST_RELAY_OFF', help: 'command that opens it (text protocol)' },
    ms: { type: 'string', env: 'GATEPOST_RELAY_MS', default: '500', help: 'pulse length in ms' },
    channel: { type: 'string', env: 'GATEPOST_RELAY_CHANNEL', default: '1', help: 'relay channel on multi-relay boards' },
    baud: { type: 'string', env: 'GATEPOST_RELAY_BAUD', default: '9600', help: 'baud rate' },
  });
  const ms = Number(flags.ms);
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_PULSE_MS) throw new UsageError(`--ms must be 0–${MAX_PULSE_MS}, got "${flags.ms}"`);
  const channel = Number(flags.channel);
  if (!Number.isInteger(channel) || channel < 1 || channel > 255) throw new UsageError(`--channel must be 1–255, got "${flags.channel}"`);
  const baudRate = Number(flags.baud);
  if (!Number.isInteger(baudRate) || baudRate < 50) throw new UsageError(`--baud must be a baud rate, got "${flags.baud}"`);

  let config: RelayConfig;
  switch (flags.protocol) {
    case 'lcus':
      config = { kind: 'lcus', path: requireSerial(flags.serial), channel, baudRate };
      break;
    case 'text': {
      if (!flags.on || !flags.off) throw new UsageError('--protocol text needs --on and --off');
      for (const [name, value] of [['on', flags.on], ['off', flags.off]] as const) {
        try {
          parseCommandBytes(value);
        } catch (err) {
          throw new UsageError(`--${name}: ${(err as Error).message}`);
        }
      }
      config = { kind: 'serial-command', path: requireSerial(flags.serial), baudRate, on: flags.on, off: flags.off };
      break;
    }
    case 'dcttech':
      if (channel > 8) throw new UsageError('--channel must be 1–8 for DCTTech boards');
      config = { kind: 'dcttech', channel, ...(flags.serial ? { path: flags.serial } : {}) };
      break;
    default:
      throw new UsageError(`--protocol must be lcus, text or dcttech, got "${flags.protocol}"`);
  }

  const relay = createRelay(config);
  const t0 = Date.now();
  await relay.pulse(ms);
  await relay.close();
  if (relay.status.state === 'error') {
    console.error(`gatepost relay: ${relay.name}: ${relay.status.detail}`);
    process.exitCode = 1;
    return;
  }
  console.log(`${relay.name}: pulsed ${ms} ms (closed and opened in ${Date.now() - t0} ms)`);
}

function requireSerial(path: string | undefined): string {
  if (!path) throw new UsageError('--serial PATH is required for this protocol');
  return path;
}
