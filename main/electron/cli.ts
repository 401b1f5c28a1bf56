// The station-side `gatepost` commands inside the packaged station app: on a
// gate PC, /usr/bin/gatepost runs the app with --gatepost-cli (build/linux/gatepost),
// so venue IT can list scanners, listen to one, decode a ticket image and pulse
// the relay with the drivers the station itself uses, and no Node.js installed.
// The servers' commands are not here: they come with the npm package.
import { UsageError } from '../../bin/options.js';

const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<void> }>> = {
  scanners: () => import('../../bin/scanners.js'),
  relay: () => import('../../bin/relay.js'),
};

const USAGE = `usage: gatepost <command> [options]   (on a gate PC, from the station app)

  scanners  list scanners, listen to one, decode a QR image
  relay     pulse a turnstile relay

Run \`gatepost <command> --help\` for its options. The servers (booking,
provider) and the demo are installed with the npm package, not here.`;

/** Runs one command; resolves with the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`gatepost: "${name}" is not a gate PC command\n\n${USAGE}`);
    return 2;
  }
  try {
    await (await load()).run(rest);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (err instanceof UsageError || e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      console.error(`gatepost ${name}: ${e.message}`);
      return 2;
    }
    console.error(`gatepost ${name}: ${e.message ?? String(err)}`);
    return 1;
  }
}
