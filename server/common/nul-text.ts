// PostgreSQL refuses U+0000 in text where SQLite keeps it, so a NUL in any
// value a route hands to the database fails its statement: a 500 and an error
// line in the log for every such request, from anyone who can reach a sign-in
// or a ticket link. No field of either API has a use for the character, so a
// request carrying it anywhere (path, query string, JSON body, a key of it) is
// refused before validation with 400 `bad_request`, naming where, on either
// engine alike. Header values cannot carry it: Node's HTTP parser refuses them.
import type { FastifyRequest } from 'fastify';

const NUL = '\u0000';

/** Where `req` carries a NUL character (`params.ticketId`, `body.email`, `querystring.q`), or undefined. */
export function nulCharacterAt(req: FastifyRequest): string | undefined {
  return (
    inValue(req.params, 'params') ??
    inValue(req.query, 'querystring') ??
    // JSON text carries a NUL only as the escape \u0000: a body without one needs no walk.
    (req.rawBody?.includes('\\u0000') ? inValue(req.body, 'body') : undefined)
  );
}

function inValue(value: unknown, where: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? where : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  // No request of either API nests this deep: a hostile nesting with a NUL escape in it is
  // refused as carrying one, rather than walked down the stack or let through unlooked-at.
  if (depth > 64) return where;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = inValue(value[i], `${where}.${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    if (key.includes(NUL)) return where;
    const found = inValue(v, `${where}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}
