// The station's heartbeat: at start and every 30 s it tells the booking server
// what it runs and how its parts are, so venue IT sees every gate from the
// console. The answer names the gate the server has for it (a rename reaches
// the station this way); `station_revoked` means the station was revoked. A
// heartbeat that fails is no error for the attendant: one log line when the
// failures start, and the next one tries again.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEARTBEAT_INTERVAL_MS, type HeartbeatRequest } from '../../protocol/booking-api.js';
import { BookingClient, ServerRefused, type ServerClock } from '../../server-client/index.js';
import type { SourceStatusView, StationState } from '../bridge/contract.js';
import type { StationConfig } from '../config/schema.js';
import type { Logger } from '../log.js';

/** The shortest interval GATEPOST_STATION_HEARTBEAT_MS may set (tests use a short one). */
const MIN_INTERVAL_MS = 100;

/** The interval: GATEPOST_STATION_HEARTBEAT_MS when it is a number of ms ≥ 100, else 30 s. */
export function heartbeatInterval(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.GATEPOST_STATION_HEARTBEAT_MS);
  return Number.isInteger(ms) && ms >= MIN_INTERVAL_MS ? ms : HEARTBEAT_INTERVAL_MS;
}

/** The package's version: its package.json is above main/core (sources) or dist/main/core (a build). */
export function stationVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'gatepost' && pkg.version) return pkg.version.slice(0, 50);
      } catch {
        // not ours, or unreadable: look further up
      }
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** What the heartbeat carries, from what the screen is shown (bounded as the server wants it). */
export function heartbeatReport(
  version: string,
  c: Pick<StationConfig, 'offlinePolicy' | 'relay'>,
  s: Pick<StationState, 'sources' | 'relay' | 'offlineBundleAt' | 'journalPending'>,
  nowS: number,
  /** how far this PC's clock is off the server's (ServerClock.skewS) */
  clockSkewS = 0,
): HeartbeatRequest {
  // A configured relay that has not pulsed yet is `idle`: nothing wrong with it.
  const relayState = c.relay.kind === 'none' ? 'off' : s.relay.state === 'error' ? 'error' : 'ok';
  return {
    version,
    sources: s.sources.slice(0, 32).map(sourceReport),
    relay: { kind: c.relay.kind, state: relayState, ...(relayState === 'error' && printable(s.relay.detail) ? { error: printable(s.relay.detail).slice(0, 300) } : {}) },
    offlinePolicy: c.offlinePolicy,
    bundleAgeS: s.offlineBundleAt === null ? null : Math.max(0, nowS - s.offlineBundleAt),
    journalBacklog: s.journalPending,
    clockSkewS,
  };
}

/** A configured source that is not connected (unplugged, not found) is a fault to report, not "off". */
function sourceReport(s: SourceStatusView): HeartbeatRequest['sources'][number] {
  const name = (printable(s.name) || s.kind).slice(0, 200);
  if (s.state === 'connected') return { kind: s.kind, name, state: 'ok' };
  return { kind: s.kind, name, state: 'error', error: (printable(s.detail) || s.state).slice(0, 300) };
}

// Names and errors come from the devices and the OS (a HID product string padded with NULs, a
// driver's message with a bell in it): control characters are dropped, and with them the NUL
// the server refuses in any request, which would leave the gate listed as offline.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]+/g;
const printable = (text: string) => text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();

export interface HeartbeatOptions {
  intervalMs: number;
  log: Logger;
  /** where to send it and with which token; null when the station is not enrolled, or is revoked */
  target(): { serverUrl: string; token: string } | null;
  report(): HeartbeatRequest;
  /** the server has another gate name for this station */
  onGate(gate: string): void;
  onRevoked(): void;
  /** the station's one record of the server's time, which the heartbeat's answers keep up to date too */
  clock?: ServerClock;
}

export class StationHeartbeat {
  private client: BookingClient | null = null;
  private clientKey = '';
  private timer: ReturnType<typeof setInterval> | undefined;
  private sending: Promise<void> | null = null;
  private failing = false;
  private again = false;
  private closed = false;

  constructor(private readonly options: HeartbeatOptions) {}

  /** The first heartbeat now, then one every interval. */
  start(): void {
    if (this.timer || this.closed) return;
    this.configure();
    this.timer = setInterval(() => void this.beat(), this.options.intervalMs);
    this.timer.unref?.();
    void this.beat();
  }

  /** The settings changed: a new server or token gets a new client and a heartbeat at once. */
  configure(): void {
    const target = this.options.target();
    const key = target ? `${target.serverUrl}\n${target.token}` : '';
    if (key === this.clientKey) return;
    this.client?.close();
    this.clientKey = key;
    this.client = target ? new BookingClient({ baseUrl: target.serverUrl, token: target.token, clock: this.options.clock }) : null;
    this.failing = false;
    if (!this.timer || !this.client) return;
    // One in flight through the old client: the new one beats right after it.
    if (this.sending) this.again = true;
    else void this.beat();
  }

  beat(): Promise<void> {
    this.sending ??= this.send().finally(() => {
      this.sending = null;
      if (this.again && !this.closed) {
        this.again = false;
        void this.beat();
      }
    });
    return this.sending;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.sending;
    this.client?.close();
    this.client = null;
  }

  private async send(): Promise<void> {
    const client = this.client;
    if (!client || this.closed) return;
    const { log } = this.options;
    try {
      const answer = await client.heartbeat(this.options.report());
      if (client !== this.client) return;
      if (this.failing) log.info({}, 'heartbeat answered again');
      this.failing = false;
      this.options.onGate(answer.gate);
    } catch (err) {
      if (client !== this.client) return;
      if (err instanceof ServerRefused && err.error === 'station_revoked') {
        this.options.onRevoked();
        return;
      }
      if (!this.failing) log.warn({ err: (err as Error).message }, 'heartbeat not answered; trying again at the next one');
      this.failing = true;
    }
  }
}
