// Test support: what every Gatepost server answers to bad input.
import { expect } from 'vitest';

export interface ErrorCase {
  res: { status: number; body: unknown; text: string };
  status: number;
  error: string;
}

/** Each answer has its status and `{error, message}`, and no stack trace in its text. */
export function expectErrorAnswers(cases: ErrorCase[]): void {
  for (const c of cases) {
    expect(c.res.status, c.res.text).toBe(c.status);
    expect(c.res.body).toMatchObject({ error: c.error, message: expect.any(String) });
    expect(c.res.text).not.toMatch(/at .*\.(ts|js):\d+/);
  }
}
