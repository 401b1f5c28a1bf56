// Dispatches `gatepost <command>`: each command lives in its own file and is
// loaded only when asked for, so `gatepost provider` never loads the station.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { columns, COMMON_ENVIRONMENT } from './options.js';

const commands: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<void> }> }> = {
  provider: { summary: 'verification server (one per venue)', load: () => import('./provider.js') },
  booking: { summary: 'booking server and the customer page', load: () => import('./booking.js') },
  station: { summary: 'gate station (Electron, or web-kiosk with --web)', load: () => import('./station.js') },
  demo: { summary: 'every part on SQLite, with demo data (npm start)', load: () => import('./demo.js') },
  scanners: { summary: 'list scanners, listen to one, decode a QR image', load: () => import('./scanners.js') },
  relay: { summary: 'pulse a turnstile relay', load: () => import('./relay.js') },
};

const usage = `usage: gatepost <command> [options]

Commands:
${columns(Object.entries(commands).map(([name, c]) => [name, c.summary]))}

Options:
${columns([
  ['-h, --help', 'this help; `gatepost <command> --help` for a command\'s options'],
  ['--version', 'print the version'],
])}

Environment: every option also has an environment variable, named in its
command's --help (GATEPOST_PORT, GATEPOST_DATA, DATABASE_URL, …); flags win. And:
${columns(Object.entries(COMMON_ENVIRONMENT))}`;

/** The package's version: its package.json is above bin/ (sources) or dist/bin/ (a build). */
function version(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'gatepost') return pkg.version ?? 'unknown';
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h') {
  console.log(usage);
  process.exit(name ? 0 : 2);
}
if (name === '--version' || name === '-V') {
  console.log(`gatepost ${version()}`);
  process.exit(0);
}
const command = commands[name];
if (!command) {
  console.error(`gatepost: unknown command "${name}"\n\n${usage}`);
  process.exit(2);
}
try {
  await (await command.load()).run(rest);
} catch (err) {
  // A bad flag or config is the user's to fix: one line, no stack trace.
  const e = err as { code?: string; message?: string; syscall?: string; address?: string; port?: number };
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || e.code === 'E_USAGE') {
    console.error(`gatepost ${name}: ${e.message}`);
    process.exit(2);
  }
  // Cannot start as things are (the database out of reach, the port held by another program, perhaps
  // the process this one replaces): one line, and a status a supervisor restarts on.
  if (e.code === 'E_START') {
    console.error(`gatepost ${name}: ${e.message}`);
    process.exit(1);
  }
  if (e.syscall === 'listen') {
    const held = e.code === 'EADDRINUSE' ? ': another program holds that port' : e.code === 'EACCES' ? ': a port under 1024 needs privileges' : '';
    console.error(`gatepost ${name}: cannot listen on ${e.address ?? ''}:${e.port ?? ''} (${e.code ?? 'error'})${held}`);
    process.exit(1);
  }
  throw err;
}
