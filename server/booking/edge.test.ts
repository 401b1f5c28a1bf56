// What the booking server shows to someone without a token, as real processes
// on loopback: the operator's and the stations' routes answer 401 before they
// look at the body (no schema text), /metrics needs the admin token or moves to
// its own loopback port, /docs carries a Content-Security-Policy that Swagger UI
// runs under in real Chromium, and a provider's verifyUrl off this host must be
// https unless the operator allowed plain http.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatepost, type RunningCommand } from '../../testing/processes.js';
import { chromiumMissing, launchChromium } from '../web/testing/browser.js';
import { bookingClient, type BookingClient } from './testing/http.js';

const ADMIN = 'admin-token-for-edge-tests-0123456789';
const SECRET = 'provider-secret-0123456789abcdef';
const missingChromium = chromiumMissing();
if (missingChromium) console.warn(`skipping the /docs CSP check in Chromium: ${missingChromium}`);

/** Words of the request schemas a validation error would quote. */
const SCHEMA_WORDS = /verifyUrl|secret|payload|scanId|providerId|expected|invalid|required/i;

describe('the booking server to callers without a token', { timeout: 60_000 }, () => {
  const dirs: string[] = [];
  let plain: RunningCommand;
  let separate: RunningCommand;
  let api: BookingClient;
  let metricsUrl: string;

  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'gp-edge-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    const tokenFile = join(dir(), 'admin-token');
    writeFileSync(tokenFile, `${ADMIN}\n`, { mode: 0o600 });
    [plain, separate] = await Promise.all([
      startGatepost(['booking', '--port', '0', '--data', dir(), '--admin-token', ADMIN], { DATABASE_URL: '' }),
      startGatepost(['booking', '--port', '0', '--data', dir(), '--admin-token-file', tokenFile, '--metrics-port', '0', '--allow-insecure-http'], {
        DATABASE_URL: '',
      }),
    ]);
    api = bookingClient(plain.url);
    metricsUrl = /"metricsUrl":"([^"]+)"/.exec(separate.output.find((l) => l.includes('ready at')) ?? '')?.[1] ?? '';
  });
  afterAll(async () => {
    await Promise.all([plain?.stop(), separate?.stop()]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('answers 401 on admin and station routes before it validates the body', async () => {
    const malformed = [{ verifyUrl: 42, secret: 'x' }, { payload: 7 }, undefined];
    for (const path of ['/api/v1/admin/providers', '/api/v1/station/scan', '/api/v1/station/journal', '/api/v1/admin/stations']) {
      for (const token of [undefined, 'wrong-token-0123456789', 'st_forged', 'us_forged']) {
        for (const body of malformed) {
          const res = await api.post(path, body, { token });
          expect(res.status, `${path} ${token} ${JSON.stringify(body)}`).toBe(401);
          expect(res.body).toMatchObject({ error: 'unauthorized' });
          expect(res.text).not.toMatch(SCHEMA_WORDS);
        }
        // Not even JSON: the body is never read.
        const junk = await api.call('POST', path, { raw: '{"verifyUrl": ', token });
        expect(junk.body).toMatchObject({ error: 'unauthorized' });
      }
    }
    const patch = await api.call('PATCH', '/api/v1/admin/providers/p_x', { body: { verifyUrl: 'nope' } });
    expect(patch.status).toBe(401);
    expect(patch.text).not.toMatch(SCHEMA_WORDS);
    // With the token, the same body gets the validation message.
    const authed = await api.post('/api/v1/admin/providers', malformed[0], { token: ADMIN });
    expect(authed).toMatchObject({ status: 400, body: { error: 'bad_request' } });
  });

  it('serves /metrics on the main port to the admin token only', async () => {
    expect((await api.get('/metrics')).body).toMatchObject({ error: 'unauthorized' });
    expect((await api.get('/metrics', { token: 'wrong-token-0123456789' })).status).toBe(401);
    const ok = await api.get('/metrics', { token: ADMIN });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('gatepost_http_requests_total');
  });

  it('with --metrics-port, serves /metrics on loopback there without auth, and not on the main port', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const text = await (await fetch(metricsUrl)).text();
    expect(text).toContain('gatepost_http_requests_total');
    expect((await fetch(metricsUrl.replace('/metrics', '/api/v1/keys'))).status).toBe(404);
    const main = bookingClient(separate.url);
    expect((await main.get('/metrics', { token: ADMIN })).status).toBe(404);
    // The admin token read from its file works.
    expect((await main.get('/api/v1/admin/providers', { token: ADMIN })).status).toBe(200);
  });

  it('refuses a provider verifyUrl over plain http off this host, unless allowed', async () => {
    const register = (client: BookingClient, verifyUrl: string) => client.post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Venue', verifyUrl, secret: SECRET }, { token: ADMIN });
    for (const url of ['http://venue.example.com', 'http://10.0.0.5:7701', 'http://[2001:db8::1]:7701', 'http://127.example.com']) {
      const res = await register(api, url);
      expect(res, url).toMatchObject({ status: 400, body: { error: 'insecure_url' } });
      expect((res.body as unknown as { message: string }).message).toContain('https');
    }
    for (const url of ['https://venue.example.com', 'http://127.0.0.1:7701', 'http://127.8.9.10', 'http://localhost:7701', 'http://[::1]:7701']) {
      expect((await register(api, url)).status, url).toBe(201);
    }
    const { body } = await register(api, 'https://venue.example.com/gate');
    const patch = await api.call('PATCH', `/api/v1/admin/providers/${body.providerId}`, { body: { verifyUrl: 'http://venue.example.com' }, token: ADMIN });
    expect(patch).toMatchObject({ status: 400, body: { error: 'insecure_url' } });

    // --allow-insecure-http: accepted, with a warning naming the URL's origin.
    const allowed = await register(bookingClient(separate.url), 'http://venue.example.com:7701');
    expect(allowed.status).toBe(201);
    await expect.poll(() => separate.output.some((l) => l.includes('plain http') && l.includes('http://venue.example.com:7701'))).toBe(true);
  });

  describe.skipIf(missingChromium !== null)('/docs in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('carries a strict Content-Security-Policy that Swagger UI renders under without a violation', async () => {
      const res = await fetch(`${plain.url}/docs/static/index.html`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("connect-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');

      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused to load: CSP ${e.violatedDirective} ${e.blockedURI}`));
      });
      const response = await page.goto(`${plain.url}/docs`);
      expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
      // Rendered from /docs/json: the title and the operations, one of them opened.
      await page.locator('.swagger-ui .info .title').waitFor({ timeout: 15_000 });
      await page.locator('.opblock-summary-path[data-path="/api/v1/station/scan"]').first().click();
      await page.locator('.opblock-body').first().waitFor();
      expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
      expect(violations).toEqual([]);
      await page.close();
    });
  });
});
