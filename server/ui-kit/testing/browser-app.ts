// Test support for a browser app in Chromium against real processes: before
// the suite, the app's bundle is made fresh (here rather than inside the
// server's start, so its ready line comes quickly), the artifacts folder
// made, and the stack and Chromium started together; after it, every
// context, the browser and the stack are closed. Pages opened through it
// report their uncaught errors into pageErrors.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ensureBundle, type Bundle } from '../../../build/assets.js';
import { REPO_ROOT } from '../../../testing/processes.js';
import { launchChromium } from './chromium.js';

export interface BrowserAppOptions<S> {
  /** build/assets.ts: customerPage() or consolePage() */
  bundle: Bundle;
  /** the folder under artifacts/ the screenshots go to */
  artifacts: string;
  start(): Promise<S>;
  /** each page's default timeout for actions and waits (ms); Playwright's own when left out */
  pageTimeout?: number;
}

export interface OpenOptions {
  /** put into the page's storage before its scripts run: a signed-in token, a language */
  sessionStorage?: Record<string, string>;
  localStorage?: Record<string, string>;
  /** also count console.error messages as page errors */
  consoleErrors?: boolean;
}

export interface BrowserApp<S> {
  readonly stack: S;
  readonly browser: Browser;
  /** the uncaught errors of every page opened with open() */
  readonly pageErrors: string[];
  /** a page in a new browser context */
  open(context: BrowserContextOptions, opts?: OpenOptions): Promise<Page>;
  /** a full-page screenshot into artifacts/<folder>/<name>.png */
  shot(page: Page, name: string): Promise<Buffer>;
}

/** Registers the suite's set-up and tear-down; call it inside describe(), before the suite's own hooks. */
export function browserApp<S extends { stop(): Promise<void> }>(opts: BrowserAppOptions<S>): BrowserApp<S> {
  const artifacts = join(REPO_ROOT, 'artifacts', opts.artifacts);
  const contexts: BrowserContext[] = [];
  let stack: S | undefined;
  let browser: Browser | undefined;
  const app: BrowserApp<S> = {
    get stack() {
      if (!stack) throw new Error('the stack is not started: use it inside the suite’s hooks and tests');
      return stack;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not started: use it inside the suite’s hooks and tests');
      return browser;
    },
    pageErrors: [],
    async open(options, { sessionStorage: session = {}, localStorage: local = {}, consoleErrors = false } = {}) {
      const context = await app.browser.newContext(options);
      contexts.push(context);
      if (Object.keys(session).length + Object.keys(local).length > 0) {
        await context.addInitScript(
          ([s, l]) => {
            for (const [k, v] of Object.entries(s!)) sessionStorage.setItem(k, v);
            for (const [k, v] of Object.entries(l!)) localStorage.setItem(k, v);
          },
          [session, local],
        );
      }
      const page = await context.newPage();
      if (opts.pageTimeout) page.setDefaultTimeout(opts.pageTimeout);
      page.on('pageerror', (e) => app.pageErrors.push(e.message));
      if (consoleErrors) page.on('console', (m) => m.type() === 'error' && app.pageErrors.push(m.text()));
      return page;
    },
    shot: (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true }),
  };

  beforeAll(async () => {
    await ensureBundle(opts.bundle, { info: () => undefined, warn: (m) => console.warn(m) });
    await mkdir(artifacts, { recursive: true });
    const [started, launched] = await Promise.allSettled([opts.start(), launchChromium()]);
    if (started.status === 'fulfilled') stack = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stack?.stop();
  }, 30_000);

  return app;
}
