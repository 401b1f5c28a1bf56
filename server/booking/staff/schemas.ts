// The staff API's request and answer shapes (they also make its /docs).
import { z } from 'zod';
import { STAFF_ROLES } from './schema.js';

const providerIds = z.array(z.string().min(1).max(100)).max(100);
const password = z.string().min(8).max(200);

export const createStaffRequest = z.object({
  email: z.email().max(254),
  password,
  role: z.enum(STAFF_ROLES),
  /** a venue account's providers (at least one); ignored for an admin */
  providerIds: providerIds.optional(),
});
export const createStaffResponse = z.object({ staffId: z.string() });

export const updateStaffRequest = z
  .object({ role: z.enum(STAFF_ROLES).optional(), providerIds: providerIds.optional(), password: password.optional() })
  .refine((b) => b.role !== undefined || b.providerIds !== undefined || b.password !== undefined, { message: 'give role, providerIds or password' });

export const staffSummary = z.object({
  staffId: z.string(),
  email: z.string(),
  role: z.enum(STAFF_ROLES),
  providerIds: z.array(z.string()),
  createdAt: z.number().int(),
});
export const staffList = z.object({ staff: z.array(staffSummary) });
export const staffParams = z.object({ staffId: z.string().min(1).max(100) });

export const staffSessionRequest = z.object({ email: z.string().max(254), password: z.string().max(200) });
/** Who is operating: staffId and email are null for the admin token. */
export const staffMe = z.object({
  staffId: z.string().nullable(),
  email: z.string().nullable(),
  role: z.enum(STAFF_ROLES),
  providerIds: z.array(z.string()),
});
export const staffSessionResponse = z.object({ token: z.string(), expiresAt: z.number().int(), staff: staffMe });

export const auditQuery = z.object({
  providerId: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** an auditId: entries older than it (the next page) */
  before: z.coerce.number().int().min(1).optional(),
});
export const auditResponse = z.object({
  entries: z.array(
    z.object({
      auditId: z.number().int(),
      at: z.number().int(),
      actor: z.string(),
      action: z.string(),
      providerId: z.string().nullable(),
      target: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
});
