// The Node-side scanners (serial, HID POS) and the turnstile relay, kept in step
// with the config: on every change only what changed is stopped and started, so
// saving the hold time does not drop a serial gun mid-scan. The keyboard wedge
// and the camera run in the renderer and report through the bridge instead.
// The drivers are loaded when the config first asks for them: a station with a
// keyboard wedge only never loads serialport or node-hid, and starts sooner.
import type { Logger } from 'pino';
import type { NodeSourceConfig } from '../../scanner-drivers/create-source.js';
import type { RelayConfig } from '../../scanner-drivers/relays/create.js';
import type { Relay, ScanEvent, ScanSource } from '../../scanner-drivers/types.js';
import type { SourceStatusView } from '../bridge/contract.js';
import type { StationConfig } from '../config/schema.js';

export interface HardwareFactories {
  source: (config: NodeSourceConfig) => ScanSource | Promise<ScanSource>;
  relay: (config: RelayConfig) => Relay | Promise<Relay>;
}

const defaultFactories: HardwareFactories = {
  source: async (config) => (await import('../../scanner-drivers/create-source.js')).createScanSource(config),
  relay: async (config) => (await import('../../scanner-drivers/relays/create.js')).createRelay(config),
};

/** `VID:PID` in hex (as the drivers take it), else null: then the setting is a device path. */
function parseVidPid(spec: string): { vendorId: number; productId: number } | null {
  const m = /^(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})$/i.exec(spec.trim());
  return m ? { vendorId: parseInt(m[1]!, 16), productId: parseInt(m[2]!, 16) } : null;
}

const NO_RELAY = { name: 'none', state: 'idle' as const, detail: 'no relay configured' };

interface Running {
  key: string;
  kind: 'serial' | 'hid';
  source: ScanSource;
}

export class Hardware {
  private sources: Running[] = [];
  private relay: Relay | null = null;
  private relayKey = JSON.stringify({ kind: 'none' });
  private relayProblem: string | null = null;
  private pulseMs = 500;
  private readonly factories: HardwareFactories;

  constructor(
    private readonly onScan: (scan: ScanEvent, kind: 'serial' | 'hid') => void,
    private readonly onChange: () => void,
    private readonly log: Logger,
    factories: Partial<HardwareFactories> = {},
  ) {
    this.factories = { ...defaultFactories, ...factories };
  }

  /** Brings sources and relay in line with the config; never throws. */
  async apply(config: StationConfig): Promise<void> {
    const wanted = new Map<string, { kind: 'serial' | 'hid'; config: NodeSourceConfig }>();
    for (const s of config.sources.serial) {
      const c: NodeSourceConfig = { kind: 'serial', path: s.path, baudRate: s.baudRate, framing: s.framing };
      wanted.set(JSON.stringify(c), { kind: 'serial', config: c });
    }
    for (const h of config.sources.hid) {
      const ids = parseVidPid(h.device);
      const c: NodeSourceConfig = { kind: 'hid', target: ids ?? { path: h.device } };
      wanted.set(JSON.stringify(c), { kind: 'hid', config: c });
    }
    const stopping = this.sources.filter((r) => !wanted.has(r.key));
    this.sources = this.sources.filter((r) => wanted.has(r.key));
    await Promise.all(stopping.map((r) => r.source.stop()));
    for (const [key, w] of wanted) {
      if (this.sources.some((r) => r.key === key)) continue;
      let source: ScanSource;
      try {
        source = await this.factories.source(w.config);
      } catch (err) {
        this.log.error({ err: (err as Error).message, kind: w.kind }, 'cannot create scan source');
        continue;
      }
      source.on('scan', (e) => this.onScan(e, w.kind));
      source.on('status', (s) => {
        this.log.info({ source: source.name, state: s.state, detail: s.detail }, 'scan source status');
        this.onChange();
      });
      this.sources.push({ key, kind: w.kind, source });
      // A source whose device is absent polls for it; start() does not fail for that.
      source.start().catch((err: unknown) => this.log.error({ source: source.name, err: (err as Error).message }, 'scan source failed to start'));
    }

    const { pulseMs, ...relayConfig } = config.relay;
    this.pulseMs = pulseMs;
    const relayKey = JSON.stringify(relayConfig);
    if (relayKey !== this.relayKey) {
      const old = this.relay;
      this.relayKey = relayKey;
      this.relay = null;
      this.relayProblem = null;
      await old?.close();
      if (relayConfig.kind !== 'none') {
        try {
          const relay = await this.factories.relay(relayConfig as RelayConfig);
          relay.on('status', (s) => {
            if (s.state === 'error') this.log.warn({ relay: relay.name, detail: s.detail }, 'relay error');
            this.onChange();
          });
          this.relay = relay;
        } catch (err) {
          this.relayProblem = (err as Error).message;
          this.log.error({ err: this.relayProblem }, 'cannot create the relay; none in use');
        }
      }
    }
    this.onChange();
  }

  /** Opens the turnstile. Fire and forget: a slow or broken relay never holds up the verdict. */
  pulse(): void {
    void this.relay?.pulse(this.pulseMs);
  }

  statuses(): SourceStatusView[] {
    return this.sources.map((r) => ({ name: r.source.name, kind: r.kind, state: r.source.status.state, detail: r.source.status.detail }));
  }

  relayStatus(): { name: string; state: 'ready' | 'error' | 'idle'; detail: string } {
    if (this.relayProblem) return { name: 'relay', state: 'error', detail: this.relayProblem };
    if (!this.relay) return NO_RELAY;
    return { name: this.relay.name, state: this.relay.status.state, detail: this.relay.status.detail };
  }

  async close(): Promise<void> {
    const all = this.sources;
    this.sources = [];
    await Promise.all([...all.map((r) => r.source.stop()), this.relay?.close()]);
  }
}
