// Loads, checks and saves the station config. Every change goes through
// replace(): it is validated whole, written durably, and only then becomes the
// current config, so a refused or failed change leaves the old one in force.
import { existsSync, renameSync } from 'node:fs';
import type { Logger } from 'pino';
import { readJsonSync, writeJsonSync } from '../../server-client/durable-file.js';
import { configSchema, defaultConfig, issuesOf, transportIssue, type FieldIssue, type StationConfig } from './schema.js';

export type ReplaceResult = { ok: true; config: StationConfig } | { ok: false; errors: FieldIssue[] };

export class ConfigStore {
  private config: StationConfig;
  private readonly listeners: ((next: StationConfig, previous: StationConfig) => void)[] = [];

  constructor(
    readonly file: string,
    private readonly log: Logger,
  ) {
    this.config = this.load();
  }

  get current(): StationConfig {
    return this.config;
  }

  onChange(listener: (next: StationConfig, previous: StationConfig) => void): void {
    this.listeners.push(listener);
  }

  replace(candidate: unknown): ReplaceResult {
    const parsed = configSchema.safeParse(candidate);
    if (!parsed.success) return { ok: false, errors: issuesOf(parsed.error) };
    const transport = transportIssue(parsed.data);
    if (transport) return { ok: false, errors: [transport] };
    try {
      writeJsonSync(this.file, parsed.data);
    } catch (err) {
      this.log.error({ file: this.file, err: (err as Error).message }, 'cannot save the config; keeping the old one');
      return { ok: false, errors: [{ field: '(config)', message: `cannot save ${this.file}: ${(err as Error).message}` }] };
    }
    const previous = this.config;
    this.config = parsed.data;
    for (const l of this.listeners) {
      try {
        l(this.config, previous);
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'applying the new config failed');
      }
    }
    return { ok: true, config: this.config };
  }

  /**
   * A missing file is a first start: defaults. A file written by hand may leave
   * fields out: they take their defaults. A file that is not valid is set aside
   * (renamed, not deleted: venue IT may want it) and the station starts unconfigured.
   */
  private load(): StationConfig {
    let raw: unknown;
    try {
      raw = readJsonSync(this.file);
    } catch (err) {
      return this.setAside(`not readable JSON: ${(err as Error).message}`);
    }
    if (raw === undefined) return defaultConfig();
    const merged = withDefaults(raw);
    const parsed = configSchema.safeParse(merged);
    if (!parsed.success) {
      const first = issuesOf(parsed.error)[0];
      return this.setAside(`${first?.field}: ${first?.message}`);
    }
    return parsed.data;
  }

  private setAside(problem: string): StationConfig {
    const aside = `${this.file}.invalid-${Date.now()}`;
    try {
      if (existsSync(this.file)) renameSync(this.file, aside);
    } catch {
      // Leave it; we will not overwrite it until a change is saved.
    }
    this.log.error({ file: this.file, setAside: aside, problem }, 'the station config is invalid: starting unconfigured');
    return defaultConfig();
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function withDefaults(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const base = defaultConfig() as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { ...base, ...raw };
  if (isObject(raw.sources)) {
    const sources = base.sources as Record<string, unknown>;
    out.sources = { ...sources, ...raw.sources };
    const s = out.sources as Record<string, unknown>;
    if (isObject(raw.sources.wedge)) s.wedge = { ...(sources.wedge as object), ...raw.sources.wedge };
    if (isObject(raw.sources.camera)) s.camera = { ...(sources.camera as object), ...raw.sources.camera };
  }
  return out;
}
