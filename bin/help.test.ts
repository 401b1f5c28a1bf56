// `gatepost … --help` as a user reads it, from real processes: the flags in a
// column apart from their text, defaults and environment variables shown, -h on
// every command and subcommand, and `gatepost --version`.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../testing/processes.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function gatepost(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'bin', 'gatepost.js'), ...args], { cwd: REPO_ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The option lines of a help text: an indented flag, then its text. */
function optionLines(help: string): string[] {
  return help.split('\n').filter((l) => /^ {2}(-h, )?--/.test(l));
}

const COMMANDS = [['provider'], ['booking'], ['station'], ['demo'], ['scanners', 'list'], ['scanners', 'listen'], ['scanners', 'decode'], ['relay', 'pulse']];

describe('gatepost --help', () => {
  it('every command and subcommand answers -h and --help alike: flags apart from their text, defaults and variables shown', async () => {
    const runs = await Promise.all(COMMANDS.map((c) => gatepost([...c, '-h'])));
    // -h is --help (two of them, each spawn compiles the sources through tsx).
    for (const c of [COMMANDS[1]!, COMMANDS[7]!]) expect((await gatepost([...c, '--help'])).stdout).toBe(runs[COMMANDS.indexOf(c)]!.stdout);
    for (const [i, c] of COMMANDS.entries()) {
      const short = runs[i]!;
      const name = c.join(' ');
      expect(short.code, `${name} -h: ${short.stderr}`).toBe(0);
      expect(short.stdout).toMatch(new RegExp(`^usage: gatepost ${name}`));
      const lines = optionLines(short.stdout);
      expect(lines.length, name).toBeGreaterThan(0);
      for (const line of lines) {
        // "--flag VALUE" then at least two spaces, or the text on the next line: never "VALUEwhile…".
        expect(line, `${name}: ${line}`).toMatch(/^ {2}(-h, )?--[\w-]+( [A-Z]+)?( {2,}\S|$)/);
      }
      // The text column lines up: every option's text starts at the same place.
      const starts = new Set(lines.map((l) => /^ {2}(?:\S| (?=\S))+ {2,}/.exec(l)?.[0].length).filter((n) => n !== undefined));
      expect(starts.size, `${name}: ${[...starts].join(',')}`).toBe(1);
      expect(short.stdout, name).toContain('GATEPOST_LOG_LEVEL');
    }
  }, 120_000);

  it('shows each default and each environment variable beside its flag', async () => {
    const booking = await gatepost(['booking', '--help']);
    expect(booking.stdout).toMatch(/^ {2}--port VALUE {2,}port to listen on \[default: 7700; env: GATEPOST_PORT\]$/m);
    expect(booking.stdout).toMatch(/^ {2}--admin-token-file FILE {2,}.*\[env: GATEPOST_ADMIN_TOKEN_FILE\]$/m);
    expect(booking.stdout).toMatch(/^ {2}--database-url VALUE {2,}.*\[env: DATABASE_URL\]$/m);
    const provider = await gatepost(['provider', '--help']);
    // The flag that ran into its text before.
    expect(provider.stdout).toMatch(/^ {2}--previous-booking-secret VALUE {2,}while changing secrets/m);
    const station = await gatepost(['station', '--help']);
    expect(station.stdout).toContain('GATEPOST_STATION_DIR');
    expect(station.stdout).toMatch(/--port VALUE {2,}.*\[default: 7702; env: GATEPOST_STATION_PORT\]/);
  });

  it('gatepost and its subcommand groups list what they hold; the top level names the environment', async () => {
    const [top, scanners, relay] = await Promise.all([gatepost(['-h']), gatepost(['scanners', '-h']), gatepost(['relay', '-h'])]);
    expect(top.code).toBe(0);
    for (const c of ['provider', 'booking', 'station', 'demo', 'scanners', 'relay']) expect(top.stdout).toMatch(new RegExp(`^ {2}${c} {2,}\\S`, 'm'));
    expect(top.stdout).toContain('--version');
    expect(top.stdout).toMatch(/GATEPOST_LOG_LEVEL {2,}log level/);
    expect(scanners.code).toBe(0);
    expect(scanners.stdout).toMatch(/^ {2}decode IMAGE/m);
    expect(relay.code).toBe(0);
    expect(relay.stdout).toMatch(/--protocol lcus/);
  });

  it('gatepost --version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = await gatepost(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`gatepost ${version}\n`);
  });
});
