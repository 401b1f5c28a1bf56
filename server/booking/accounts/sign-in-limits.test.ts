// Sign-in and sign-up limits behind a reverse proxy, against a real booking
// process started with --trust-proxy 127.0.0.1: requests from 127.0.0.1 are
// the proxy's, and their X-Forwarded-For names the client; requests from
// 127.0.0.2 (the same loopback, another source address) come from someone the
// server does not trust, whose X-Forwarded-For must be ignored.
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';
import { SIGN_IN_LIMITS } from './routes.js';

const PASSWORD = 'correct horse battery staple';
const PROXY = '127.0.0.1';
const STRANGER = '127.0.0.2';

interface Answer {
  status: number;
  body: { error?: string; message?: string; token?: string };
  retryAfter: number;
}

// Every sign-up and sign-in costs a real scrypt at full cost (a second or more on a busy two-core machine).
describe('sign-in limits behind a trusted proxy', { timeout: 120_000 }, () => {
  let dir: string;
  let booking: RunningCommand;
  let seq = 0;
  let port = 0;

  /** A POST from a chosen local source address, optionally carrying X-Forwarded-For. */
  const post = (path: string, body: unknown, from: string, forwardedFor?: string) =>
    new Promise<Answer>((resolve, reject) => {
      const text = JSON.stringify(body);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', localAddress: from, headers }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (data += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) as Answer['body'], retryAfter: Number(res.headers['retry-after'] ?? 0) }));
      });
      req.on('error', reject);
      req.end(text);
    });
  const signUp = (email: string, from: string, forwardedFor?: string) => post('/api/v1/users', { email, password: PASSWORD }, from, forwardedFor);
  const signIn = (email: string, password: string, from: string, forwardedFor?: string) => post('/api/v1/sessions', { email, password }, from, forwardedFor);
  const newEmail = () => `user${++seq}-${Date.now()}@example.com`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gp-limits-'));
    booking = await startGatepost(['booking', '--port', '0', '--data', dir, '--trust-proxy', `${PROXY},10.0.0.0/8`], { DATABASE_URL: '' });
    port = Number(new URL(booking.url).port);
  });
  afterAll(async () => {
    await booking?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never lets a guesser elsewhere lock the owner out, and makes the guesser wait longer each time', async () => {
    const owner = { email: newEmail(), address: '198.51.100.7' };
    const attacker = '203.0.113.66';
    expect((await signUp(owner.email, PROXY, owner.address)).status).toBe(201);

    const { free } = SIGN_IN_LIMITS.perAccountAddress;
    for (let i = 0; i < free; i++) {
      expect((await signIn(owner.email, `guess ${i}`, PROXY, attacker)).body).toMatchObject({ error: 'bad_credentials' });
    }
    // Closed for the attacker, the right password included (no oracle), and more tries do not open it.
    let first: Answer | undefined;
    for (let i = 0; i < 20; i++) {
      const guess = await signIn(owner.email, i === 0 ? PASSWORD : `more ${i}`, PROXY, attacker);
      expect(guess.status).toBe(429);
      expect(guess.body.error).toBe('rate_limited');
      first ??= guess;
    }
    expect(first!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(first!.retryAfter).toBeLessThanOrEqual(SIGN_IN_LIMITS.perAccountAddress.baseS);

    // The owner, from their own address behind the same proxy, signs straight in.
    const owned = await signIn(owner.email.toUpperCase(), PASSWORD, PROXY, owner.address);
    expect(owned.status, JSON.stringify(owned.body)).toBe(200);
    expect(owned.body.token).toMatch(/^us_/);

    // Once the wait is over the attacker may guess once more, and then waits longer.
    await new Promise((r) => setTimeout(r, first!.retryAfter * 1000));
    expect((await signIn(owner.email, 'after the wait', PROXY, attacker)).body).toMatchObject({ error: 'bad_credentials' });
    const longer = await signIn(owner.email, 'right away', PROXY, attacker);
    expect(longer.status).toBe(429);
    expect(longer.retryAfter).toBeGreaterThan(SIGN_IN_LIMITS.perAccountAddress.baseS);
    // A proxy chain: only the last untrusted hop counts, whatever the client wrote before it.
    const chained = await signIn(owner.email, 'via a chain', PROXY, `192.0.2.1, ${attacker}, 10.1.2.3`);
    expect(chained.status).toBe(429);
    expect((await signIn(owner.email, PASSWORD, PROXY, owner.address)).status).toBe(200);
  });

  it('ignores X-Forwarded-For from an address not in --trust-proxy', async () => {
    const email = newEmail();
    expect((await signUp(email, PROXY, '198.51.100.8')).status).toBe(201);
    const { free } = SIGN_IN_LIMITS.perAccountAddress;
    // A fresh forged client address on every try: all are counted as the stranger's own.
    for (let i = 0; i < free; i++) {
      expect((await signIn(email, `guess ${i}`, STRANGER, `192.0.2.${i + 10}`)).status).toBe(401);
    }
    const forged = await signIn(email, 'yet another', STRANGER, '192.0.2.99');
    expect(forged).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    // The owner behind the trusted proxy is not affected.
    expect((await signIn(email, PASSWORD, PROXY, '198.51.100.8')).status).toBe(200);
  });

  it('limits sign-ups per client address, taken addresses included', async () => {
    const { maxRejections } = SIGN_IN_LIMITS.signUpsPerAddress;
    const address = '198.51.100.20';
    const email = newEmail();
    expect((await signUp(email, PROXY, address)).status).toBe(201);
    // Probing which e-mail addresses have accounts counts too.
    for (let i = 1; i < maxRejections; i++) expect((await signUp(email, PROXY, address)).body.error).toBe('email_taken');
    const refused = await signUp(newEmail(), PROXY, address);
    expect(refused).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(refused.retryAfter).toBeGreaterThan(60);
    // Someone else behind the same proxy still signs up.
    expect((await signUp(newEmail(), PROXY, '198.51.100.21')).status).toBe(201);
  });
});
