// What the server says of the station itself, kept in its config: it was
// revoked (it admits no one, online or offline, until enrolled again, also
// after a restart without the server), or its gate was renamed.
import type { ConfigStore } from '../config/store.js';
import type { Logger } from '../log.js';

export class Revocation {
  /** the token the server revoked, also when saving that to the config failed */
  private revokedToken: string | null = null;

  constructor(
    private readonly config: ConfigStore,
    private readonly log: Logger,
  ) {}

  /** Until the station is enrolled again, with a new token. */
  get active(): boolean {
    const e = this.config.current.enrollment;
    return e !== null && (e.revoked === true || e.token === this.revokedToken);
  }

  /** The server said `station_revoked`; true when this is news. */
  mark(): boolean {
    const c = this.config.current;
    if (!c.enrollment || this.active) return false;
    this.revokedToken = c.enrollment.token;
    const saved = this.config.replace({ ...c, enrollment: { ...c.enrollment, revoked: true } });
    if (!saved.ok) this.log.error({ errors: saved.errors }, 'could not save that the station was revoked');
    this.log.error({ stationId: c.enrollment.stationId }, 'the server revoked this station: it admits no one until it is enrolled again');
    return true;
  }
}

/** The server has another name for this gate (an operator renamed it): the config, and so the screen, take it. */
export function renameGate(config: ConfigStore, log: Logger, gate: string): void {
  const c = config.current;
  if (gate === c.gate) return;
  const saved = config.replace({ ...c, gate });
  if (!saved.ok) return void log.error({ gate, errors: saved.errors }, 'the gate name from the server could not be saved');
  log.info({ from: c.gate, gate }, 'gate renamed by the server');
}
