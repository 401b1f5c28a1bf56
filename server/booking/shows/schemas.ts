// The console's programme API: the provider's own show schemas (protocol/provider-api.ts),
// passed through, and what a cancellation answers.
import { z } from 'zod';
import { managedShowSchema, programmeQuery, programmeResponse, showCreateRequest, showUpdateRequest } from '../../../protocol/provider-api.js';

export { managedShowSchema, programmeQuery, programmeResponse, showCreateRequest, showUpdateRequest };

export const providerParams = z.object({ providerId: z.string().min(1).max(100) });
export const showParams = providerParams.extend({ showId: z.string().min(1).max(100) });

/**
 * A cancelled show: `cancelled` tickets taken back, `refunded` of them with their money
 * returned, `pending` still on their way (a venue or gateway that did not answer):
 * those are finished by the background pass.
 */
export const showCancelResult = z.object({
  showId: z.string(),
  cancelled: z.number().int(),
  refunded: z.number().int(),
  pending: z.number().int(),
});
export type ShowCancelResult = z.infer<typeof showCancelResult>;
