// The verification server's HTTP API (DESIGN.md), as zod schemas: the provider
// validates requests with them, the booking server types its client with them,
// and the OpenAPI document is generated from them. Times are epoch seconds.
import { z } from 'zod';
import { BARE_CODE } from './scan-text.js';
import { batchVerdictSchema, epochSeconds } from './verdict.js';

const id = z.string().min(1).max(100);
/** a ticket code: 32 lowercase hex digits */
export const codeSchema = z.string().regex(BARE_CODE, 'a code is 32 lowercase hex digits');

export const showSchema = z.object({
  showId: z.string(),
  title: z.string(),
  venue: z.string(),
  hall: z.string(),
  startsAt: epochSeconds,
  endsAt: epochSeconds,
  priceCents: z.number().int(),
  currency: z.string(),
  seatsFree: z.number().int(),
  /** every seat of the show, free or sold; absent from a verification server older than this field */
  seatsTotal: z.number().int().nonnegative().optional(),
});
export type Show = z.infer<typeof showSchema>;
export const showsResponse = z.object({ shows: z.array(showSchema) });

export const seatSchema = z.object({
  seatId: z.string(),
  row: z.string(),
  number: z.number().int(),
  status: z.enum(['free', 'sold']),
});
export type Seat = z.infer<typeof seatSchema>;
export const seatsResponse = z.object({ seats: z.array(seatSchema) });

export const codesRequest = z.object({
  orderRef: id,
  showId: id,
  seats: z.array(id).min(1).max(20),
  payment: z.object({
    reference: z.string().min(1).max(200),
    amountCents: z.number().int().nonnegative(),
    currency: z.string().regex(/^[A-Z]{3}$/),
  }),
});
export type CodesRequest = z.infer<typeof codesRequest>;

export const issuedTicketSchema = z.object({
  ticketId: z.string(),
  seatId: z.string(),
  /** the seat as printed: row letter and number, e.g. "C7" */
  seat: z.string(),
  code: codeSchema,
  validFrom: epochSeconds,
  validUntil: epochSeconds,
});
export const codesResponse = z.object({
  tickets: z.array(issuedTicketSchema),
  show: showSchema.omit({ seatsFree: true, priceCents: true, currency: true }),
});
export type CodesResponse = z.infer<typeof codesResponse>;

export const verifyRequest = z.object({
  code: codeSchema,
  gate: z.string().min(1).max(100),
  scanId: z.string().min(1).max(100),
});
export type VerifyRequest = z.infer<typeof verifyRequest>;

export const redemptionsRequest = z.object({
  redemptions: z
    .array(z.object({ code: codeSchema, gate: z.string().min(1).max(100), scanId: z.string().min(1).max(100), at: epochSeconds }))
    .min(1)
    .max(1000),
});
export type RedemptionsRequest = z.infer<typeof redemptionsRequest>;
export const redemptionsResponse = z.object({
  results: z.array(batchVerdictSchema),
});

export const revokeResponse = z.object({ ticketId: z.string(), revokedAt: epochSeconds });

/**
 * Undoing an admission that did not result in a passage (the turnstile did not
 * turn): `by` names who annulled it (a station or a staff member), for the record.
 */
export const annulRequest = z.object({
  scanId: z.string().min(1).max(100),
  by: z.string().min(1).max(200),
  reason: z.string().max(500).optional(),
});
export type AnnulRequest = z.infer<typeof annulRequest>;
export const annulResponse = z.object({ scanId: z.string(), ticketId: z.string(), annulledAt: epochSeconds });
export type AnnulResponse = z.infer<typeof annulResponse>;
/** Why an annulment is refused (409 `not_annullable`, with `why`). */
export const NOT_ANNULLABLE_WHY = ['unknown_scan', 'rejected_scan', 'redeemed_by_another_scan'] as const;
export type NotAnnullableWhy = (typeof NOT_ANNULLABLE_WHY)[number];
export const notAnnullableBody = z.object({ error: z.literal('not_annullable'), message: z.string(), why: z.enum(NOT_ANNULLABLE_WHY) });

/**
 * The programme as venue staff manage it from the console. A show is created
 * with its seat map (rows A…, numbered seats); `showId` makes a retry safe: the
 * same ID with the same body answers 200, with another body 409 `show_conflict`.
 */
export const showCreateRequest = z
  .object({
    showId: id.regex(/^[A-Za-z0-9._-]+$/, 'a show ID is letters, digits, dot, dash and underscore').optional(),
    title: z.string().trim().min(1).max(200),
    /** defaults to the venue of the shows already here */
    venue: z.string().trim().min(1).max(200).optional(),
    hall: z.string().trim().min(1).max(100),
    startsAt: epochSeconds,
    endsAt: epochSeconds,
    priceCents: z.number().int().nonnegative().max(10_000_000),
    currency: z.string().regex(/^[A-Z]{3}$/),
    rows: z.number().int().min(1).max(26),
    seatsPerRow: z.number().int().min(1).max(99),
  })
  .refine((s) => s.endsAt > s.startsAt, { message: 'a show ends after it starts', path: ['endsAt'] });
export type ShowCreateRequest = z.infer<typeof showCreateRequest>;

/** Changes to a show; its seat map stays as it was made once a seat is sold. */
export const showUpdateRequest = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    hall: z.string().trim().min(1).max(100).optional(),
    startsAt: epochSeconds.optional(),
    endsAt: epochSeconds.optional(),
    priceCents: z.number().int().nonnegative().max(10_000_000).optional(),
    rows: z.number().int().min(1).max(26).optional(),
    seatsPerRow: z.number().int().min(1).max(99).optional(),
  })
  .refine((s) => Object.keys(s).length > 0, { message: 'nothing to change' });
export type ShowUpdateRequest = z.infer<typeof showUpdateRequest>;

/** One show as staff see it: cancelled ones too, with the seats sold. */
export const managedShowSchema = showSchema.extend({
  seatsSold: z.number().int(),
  rows: z.number().int(),
  seatsPerRow: z.number().int(),
  cancelledAt: epochSeconds.nullable(),
});
export type ManagedShow = z.infer<typeof managedShowSchema>;
export const programmeResponse = z.object({ shows: z.array(managedShowSchema) });
/**
 * `endsAfter` (epoch s): only the shows ending after it — what is on sale and what just ended, not
 * every show of the venue's years. Without it, every show.
 */
export const programmeQuery = z.object({ endsAfter: z.coerce.number().pipe(epochSeconds).optional() });

/** A cancelled show's tickets (every one sold, revoked since or not): the same list each time it is asked. */
export const showCancelResponse = z.object({ showId: z.string(), cancelledAt: epochSeconds, tickets: z.array(z.object({ ticketId: z.string() })) });
export type ShowCancelResponse = z.infer<typeof showCancelResponse>;
