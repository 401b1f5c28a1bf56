// Sizes both ends of a hop must agree on: a server refuses a larger request
// body with 413, so a client that batches (a station's journal, the booking
// server's relayed redemptions) keeps each request body under it.

/** The largest request body a Gatepost server reads (bytes). */
export const BODY_LIMIT = 64 * 1024;

/**
 * What a batching client aims for: well under the limit, so a batch never
 * rides on the edge (JSON escaping, a different server's headers).
 */
export const BATCH_BODY_BYTES = Math.floor(BODY_LIMIT * 0.75);

/**
 * Splits `items` into runs whose JSON body `{"<field>":[…]}` stays within
 * `maxBytes` and `maxItems`. An item too large on its own gets a run of its
 * own: the server's answer to it (413) is then about that item alone.
 */
export function batchByBytes<T>(items: readonly T[], field: string, maxBytes = BATCH_BODY_BYTES, maxItems = 1000): T[][] {
  const overhead = Buffer.byteLength(JSON.stringify({ [field]: [] }));
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = overhead;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item));
    // One more item costs its bytes and a comma.
    if (current.length > 0 && (bytes + 1 + size > maxBytes || current.length >= maxItems)) {
      batches.push(current);
      current = [];
      bytes = overhead;
    }
    bytes += (current.length > 0 ? 1 : 0) + size;
    current.push(item);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
