// Waiting on events and conditions with a deadline, never a bare sleep standing in for them.
import type { Emitter } from '../emitter.js';
import type { ScanSourceEvents, StatusEvent } from '../types.js';

/** Resolves with the first status event that satisfies `match`; rejects after `ms`. */
export function nextStatus(source: Emitter<ScanSourceEvents>, match: (s: StatusEvent) => boolean, ms = 10_000): Promise<StatusEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      source.off('status', listener);
      reject(new Error(`no matching status within ${ms} ms`));
    }, ms);
    const listener = (s: StatusEvent) => {
      if (!match(s)) return;
      clearTimeout(timer);
      source.off('status', listener);
      resolve(s);
    };
    source.on('status', listener);
  });
}

/** Polls `condition` every few ms until it holds; rejects after `ms` with `what` in the message. */
export async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
