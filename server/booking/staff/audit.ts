// The audit log: what each operator changed, and when. Routes record an entry
// once the change is made and before they answer, so a change the caller was
// told of is in the log. Details name what changed and its new values; never
// a password, token or provider secret.
import type { Kysely } from 'kysely';
import type { AuditEntry } from '../../../protocol/console-api.js';
import type { GroupCommit } from '../../common/group-commit.js';
import type { Operator } from '../auth.js';
import type { BookingDB } from '../schema.js';

/** Stable names clients may filter on: `<thing>.<what happened>`. */
export type AuditAction =
  | 'staff.create'
  | 'staff.update'
  | 'staff.delete'
  | 'staff.sign_in'
  | 'provider.register'
  | 'provider.update'
  | 'station.create'
  | 'station.rename'
  | 'station.enrollment'
  | 'station.revoke'
  | 'ticket.revoke'
  | 'admission.annul'
  | 'key.rotate'
  | 'key.retire'
  | 'show.create'
  | 'show.update'
  | 'show.cancel'
  | 'conflict.acknowledge';

export interface AuditRecord {
  action: AuditAction;
  providerId?: string;
  /** what was acted on: a staff, station, ticket or key ID */
  target?: string;
  details?: Record<string, unknown>;
}

export type { AuditEntry };

/** How an operator is named in the log. */
export const actorName = (operator: Operator): string => operator.email ?? 'admin token';

export class AuditLog {
  constructor(
    private readonly db: Kysely<BookingDB>,
    private readonly writes: GroupCommit<BookingDB>,
    private readonly now: () => number,
  ) {}

  async record(operator: Operator, entry: AuditRecord): Promise<void> {
    await this.writes.run((trx) =>
      trx
        .insertInto('audit_log')
        .values({
          at: this.now(),
          actor: actorName(operator),
          actor_staff_id: operator.staffId,
          action: entry.action,
          provider_id: entry.providerId ?? null,
          target: entry.target ?? null,
          details: JSON.stringify(entry.details ?? {}),
        })
        .execute(),
    );
  }

  /**
   * Newest first, `limit` entries older than `before` (an auditId). `scope`:
   * only entries of these providers (venue staff); undefined: every entry.
   */
  async list(opts: { scope?: string[]; providerId?: string; limit: number; before?: number }): Promise<AuditEntry[]> {
    if (opts.scope?.length === 0) return [];
    let q = this.db.selectFrom('audit_log').selectAll().orderBy('audit_id', 'desc').limit(opts.limit);
    if (opts.scope) q = q.where('provider_id', 'in', opts.scope);
    if (opts.providerId !== undefined) q = q.where('provider_id', '=', opts.providerId);
    if (opts.before !== undefined) q = q.where('audit_id', '<', opts.before);
    const rows = await q.execute();
    return rows.map((r) => ({
      auditId: Number(r.audit_id),
      at: Number(r.at),
      actor: r.actor,
      action: r.action,
      providerId: r.provider_id,
      target: r.target,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  }
}
