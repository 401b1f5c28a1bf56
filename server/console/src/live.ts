// The Live page's data: the summary, read once and then as a Server-Sent
// Events stream through fetch() (EventSource cannot send the bearer header).
// The stream is opened again after a drop, a second later.
import type { LiveSummary } from '../../../protocol/console-api.js';
import { ApiError } from './api.js';

export type { LiveSummary };

const enc = encodeURIComponent;

/** Calls onSummary with every summary the server sends until stopped; onError with a refusal (403, 401) or a drop. */
export function watchLive(
  token: string,
  providerId: string,
  showId: string,
  onSummary: (s: LiveSummary) => void,
  onError: (err: ApiError) => void,
): () => void {
  const ctrl = new AbortController();
  let stopped = false;
  const run = async () => {
    const res = await fetch(`/api/v1/console/live/stream?providerId=${enc(providerId)}&showId=${enc(showId)}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: ctrl.signal,
    });
    if (!res.ok || !res.body) {
      const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
      throw new ApiError(res.status, body.error ?? 'bad_request', body.message ?? `HTTP ${res.status}`);
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(event);
        if (data) onSummary(JSON.parse(data[1]!) as LiveSummary);
      }
    }
  };
  const loop = async () => {
    while (!stopped) {
      try {
        await run();
      } catch (err) {
        if (stopped) return;
        if (err instanceof ApiError) {
          onError(err);
          if (err.status === 401 || err.status === 403 || err.status === 400) return;
        } else onError(new ApiError(0, 'network', 'the live stream dropped'));
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void loop();
  return () => {
    stopped = true;
    ctrl.abort();
  };
}
