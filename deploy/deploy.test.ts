// The systemd units in deploy/: systemd's own checker accepts them, they keep
// secrets out of the command line and the environment, they run hardened, and
// the command line they hold starts the real server (run here from the
// sources, with the state and credentials folders systemd would give it).
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGatepost } from '../testing/processes.js';

const HERE = join(import.meta.dirname, '.');
const UNITS = ['gatepost-booking.service', 'gatepost-provider.service'];

interface Unit {
  text: string;
  /** every value of each key, in order ("Section.Key") */
  keys: Map<string, string[]>;
  /** ExecStart split into words, continuation lines joined */
  exec: string[];
}

function parseUnit(file: string): Unit {
  const text = readFileSync(join(HERE, file), 'utf8');
  const keys = new Map<string, string[]>();
  let section = '';
  for (const line of text.replace(/\\\n\s*/g, ' ').split('\n')) {
    if (/^\s*(#|;|$)/.test(line)) continue;
    const head = /^\[(\w+)\]$/.exec(line.trim());
    if (head) {
      section = head[1]!;
      continue;
    }
    const kv = /^(\w+)=(.*)$/.exec(line);
    if (!kv) throw new Error(`${file}: not a unit file line: ${line}`);
    const key = `${section}.${kv[1]}`;
    keys.set(key, [...(keys.get(key) ?? []), kv[2]!.trim()]);
  }
  return { text, keys, exec: (keys.get('Service.ExecStart')?.[0] ?? '').split(/\s+/).filter(Boolean) };
}

const SYSTEMD_ANALYZE = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('deploy/ systemd units', () => {
  const verifyName = SYSTEMD_ANALYZE || process.env.CI ? 'pass systemd-analyze verify without a warning' : 'pass systemd-analyze verify (skipped: systemd-analyze is not installed here; .ci/run installs systemd)';
  it.skipIf(!SYSTEMD_ANALYZE && !process.env.CI)(verifyName, async () => {
    // Under CI=true a missing tool is a failure, not a skip.
    expect(SYSTEMD_ANALYZE, 'systemd-analyze (Debian package systemd) is needed').toBe(true);
    for (const unit of UNITS) {
      const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile('systemd-analyze', ['verify', '--man=no', join(HERE, unit)], (err, _out, stderr) => resolve({ code: err ? 1 : 0, stderr })),
      );
      expect(stderr, unit).toBe('');
      expect(code, unit).toBe(0);
    }
  });

  it.each(UNITS)('%s: a dynamic user owning only its state folder, secrets as credentials, hardened', (file) => {
    const unit = parseUnit(file);
    const one = (key: string) => unit.keys.get(key)?.at(-1);
    expect(one('Service.DynamicUser')).toBe('yes');
    expect(one('Service.StateDirectory')).toMatch(/^gatepost\/(booking|provider)$/);
    expect(one('Service.StateDirectoryMode')).toBe('0700');
    for (const [key, value] of [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['ProtectHome', 'yes'], ['PrivateTmp', 'yes'], ['PrivateDevices', 'yes'], ['CapabilityBoundingSet', ''], ['UMask', '0077']]) {
      expect(one(`Service.${key}`), key).toBe(value);
    }
    // The built command, from the install, writing only to its state folder.
    expect(unit.exec.slice(0, 3)).toEqual(['/usr/bin/node', '--max-semi-space-size=64', '/opt/gatepost/dist/bin/gatepost.js']);
    expect(unit.exec[unit.exec.indexOf('--data') + 1]).toBe('${STATE_DIRECTORY}');
    expect(unit.exec).toContain('--trust-proxy');
    // Every secret as a file from $CREDENTIALS_DIRECTORY, each one loaded; none given as a value.
    const credentials = unit.exec.filter((w) => w.startsWith('${CREDENTIALS_DIRECTORY}/')).map((w) => w.slice('${CREDENTIALS_DIRECTORY}/'.length));
    expect(credentials.length).toBeGreaterThan(0);
    const loaded = (unit.keys.get('Service.LoadCredential') ?? []).map((v) => v.split(':')[0]);
    expect(loaded.sort()).toEqual([...credentials].sort());
    for (const secret of ['--admin-token', '--booking-secret', '--smtp-url', '--database-url', '--previous-booking-secret']) expect(unit.exec, secret).not.toContain(secret);
    for (const env of unit.keys.get('Service.Environment') ?? []) expect(env).not.toMatch(/TOKEN=|SECRET=|DATABASE_URL=|SMTP_URL=/);
  });

  describe('the command lines start the servers', () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it.each(UNITS)('%s', async (file) => {
      const root = mkdtempSync(join(tmpdir(), 'gp-unit-'));
      dirs.push(root);
      const state = join(root, 'state');
      const credentials = join(root, 'credentials');
      spawnSync('mkdir', ['-p', state, credentials]);
      // What LoadCredential hands over: files the service may read, 0400.
      const values: Record<string, string> = {
        'admin-token': randomBytes(24).toString('base64url'),
        'secrets-key': randomBytes(32).toString('base64'),
        'booking-secret': randomBytes(24).toString('base64url'),
      };
      for (const [name, value] of Object.entries(values)) {
        writeFileSync(join(credentials, name), `${value}\n`);
        chmodSync(join(credentials, name), 0o400);
      }
      const args = parseUnit(file)
        .exec.slice(3)
        .map((w) => w.replace('${STATE_DIRECTORY}', state).replace('${CREDENTIALS_DIRECTORY}', credentials))
        .map((w, i, all) => (all[i - 1] === '--port' ? '0' : w));
      const server = await startGatepost(args);
      try {
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        // The secrets stay out of what the server prints.
        for (const value of Object.values(values)) expect(server.output.join('\n')).not.toContain(value);
      } finally {
        await server.stop();
      }
    }, 60_000);
  });
});
