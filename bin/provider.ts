// gatepost provider: the verification server a venue runs.
import { startProvider } from '../server/provider/server.js';
import { readProgramme } from '../server/provider/programme.js';
import { DEFAULT_REPLAY_CAP } from '../server/provider/replay-window.js';
import { parseFlags, portFlag, serverFlags, trustProxyFlag, UsageError, warnExposedSecrets } from './options.js';
import { onShutdown } from './shutdown.js';

export async function run(argv: string[]): Promise<void> {
  const exposed: string[] = [];
  const flags = parseFlags('provider', argv, {
    ...serverFlags('7701', '.gatepost/provider'),
    'booking-secret': { type: 'string', env: 'GATEPOST_BOOKING_SECRET', secret: true, help: 'shared secret the booking server signs with' },
    'previous-booking-secret': {
      type: 'string',
      env: 'GATEPOST_PREVIOUS_BOOKING_SECRET',
      secret: true,
      help: 'while changing secrets: the old one, still accepted until the booking server has the new one',
    },
    programme: { type: 'string', env: 'GATEPOST_PROGRAMME', help: 'JSON file of shows to load at start' },
    demo: { type: 'boolean', env: 'GATEPOST_DEMO', help: 'seed the Demo Cinema programme' },
    'replay-cap': {
      type: 'string',
      env: 'GATEPOST_REPLAY_CAP',
      default: String(DEFAULT_REPLAY_CAP),
      help: 'signed requests remembered to refuse replays (at most 43 bytes each); past it new ones get 503',
    },
  }, exposed);
  const replayCap = Number(flags['replay-cap']);
  if (!Number.isSafeInteger(replayCap) || replayCap < 1) throw new UsageError(`--replay-cap must be a positive whole number, got "${flags['replay-cap']}"`);
  const secret = flags['booking-secret'];
  if (!secret) throw new UsageError('--booking-secret-file (or --booking-secret, GATEPOST_BOOKING_SECRET[_FILE]) is required');
  if (secret.length < 16) throw new UsageError('--booking-secret must be at least 16 characters');
  const previous = flags['previous-booking-secret'] || undefined;
  if (previous !== undefined && previous.length < 16) throw new UsageError('--previous-booking-secret must be at least 16 characters');
  let programme;
  try {
    programme = flags.programme ? readProgramme(flags.programme) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const provider = await startProvider({
    port: portFlag(flags.port),
    host: flags.host,
    dataDir: flags.data!,
    databaseUrl: flags['database-url'],
    bookingSecret: secret,
    previousBookingSecret: previous,
    demo: flags.demo,
    programme,
    trustProxy: trustProxyFlag(flags['trust-proxy']),
    replayCap,
  });
  warnExposedSecrets(provider.app.log, exposed);
  onShutdown(() => provider.close());
}
