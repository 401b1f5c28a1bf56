// Test support for sweeping an OpenAPI document with hostile input: a sample
// request body for each operation, every text and number in it chosen by the
// test, and the checks that an answer is a refusal in the one error shape
// rather than a fault.
import { expect } from 'vitest';
import { ERROR_REASONS } from '../../../protocol/reasons.js';

export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}
export interface Operation {
  parameters?: { in: 'path' | 'query' | 'header'; name: string }[];
  requestBody?: { content?: { 'application/json'?: { schema?: Schema } } };
}
export type Paths = Record<string, Record<string, Operation>>;

export interface Answer {
  status: number;
  body: unknown;
  text: string;
}

/** The operations of an OpenAPI document's `paths`; deletions (signing out among them) last, so tokens stay good. */
export function operationsOf(paths: Paths): { path: string; method: string; query: string[]; body?: Schema }[] {
  return Object.entries(paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        path,
        method: method.toUpperCase(),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body: op.requestBody?.content?.['application/json']?.schema,
      })),
    )
    .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
}

/** The schema a value takes (the first alternative of a union) and its type, nullable or not. */
function resolved(schema: Schema): { schema: Schema; type: string | undefined } {
  const alt = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (alt) return resolved(alt);
  return { schema, type: Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type };
}

/**
 * A value of `schema` whose every free text is `text` and every number `num`,
 * but for the properties `named` gives a value of their own (a valid code, say,
 * so that validation lets the request on to the numbers).
 */
export function sample(schema: Schema | undefined, text: string, num = 1, named: Record<string, unknown> = {}): unknown {
  if (!schema) return text;
  const { type, schema: s } = resolved(schema);
  if (s.enum) return s.enum[0];
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, k in named ? named[k] : sample(v, text, num, named)]));
    case 'array':
      return [sample(s.items, text, num, named)];
    case 'integer':
    case 'number':
      return num;
    case 'boolean':
      return true;
    default:
      return text;
  }
}

/** A 4xx `{error, message}` with a known reason and no stack trace. */
export function expectRefusal(res: Answer, what: string): void {
  const said = `${what}: ${res.status} ${res.text.slice(0, 200)}`;
  expect(res.status, said).toBeGreaterThanOrEqual(400);
  expectNoFault(res, what);
}

/** Never a 5xx; a refusal in the one error shape with a known reason and no stack trace. */
export function expectNoFault(res: Answer, what: string): void {
  const said = `${what}: ${res.status} ${res.text.slice(0, 200)}`;
  expect(res.status, said).toBeLessThan(500);
  if (res.status < 400) return;
  const body = res.body as { error?: string; message?: string };
  expect(ERROR_REASONS as readonly string[], said).toContain(body.error);
  expect(typeof body.message, what).toBe('string');
  expect(res.text, what).not.toMatch(/at .*\.(ts|js):\d+/);
}

/** Valid values of a show's fields and of a scan's time, for `sample`'s `named`: the demo venue's currency, a show tomorrow. */
export function validTimesAndShow(nowS = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return { currency: 'CNY', startsAt: nowS + 86_400, endsAt: nowS + 93_600, rows: 5, seatsPerRow: 10, priceCents: 1000, at: nowS };
}

/** The paths (property names and array index 0) of every number in `schema`'s sample. */
export function numberPaths(schema: Schema | undefined, at: (string | number)[] = []): (string | number)[][] {
  if (!schema) return [];
  const { type, schema: s } = resolved(schema);
  if (s.enum) return [];
  if (type === 'integer' || type === 'number') return [at];
  if (type === 'array') return numberPaths(s.items, [...at, 0]);
  if (type === 'object') return Object.entries(s.properties ?? {}).flatMap(([k, v]) => numberPaths(v, [...at, k]));
  return [];
}

/** A copy of `value` with `value` at `path` (as numberPaths names it) replaced by `by`. */
export function replacedAt(value: unknown, path: (string | number)[], by: unknown): unknown {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head!] = replacedAt(copy[head!], rest, by);
  return copy;
}
