// Scan → paint latency, measured in the page: the core stamps each verdict with
// the moment the scan entered it (high-resolution epoch ms); the page takes the
// time once the frame showing the verdict has been painted. Kept on window for
// the benchmark and tests to read; costs one array push per scan.
export interface ScreenMetrics {
  /** ms from scan entering the core to the verdict painted, latest last (bounded) */
  latencies: number[];
  /** id of the last verdict painted */
  lastPainted: string | null;
  /** epoch ms when the ready screen was first painted */
  readyAt: number | null;
}

declare global {
  interface Window {
    __gatepost?: ScreenMetrics;
  }
}

export const metrics: ScreenMetrics = (window.__gatepost = { latencies: [], lastPainted: null, readyAt: null });

export const epochNow = (): number => performance.timeOrigin + performance.now();

/** Runs `fn` after the next frame is painted: rAF fires before paint, a task queued from it runs after. */
export function afterPaint(fn: () => void): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => fn();
    channel.port2.postMessage(null);
  });
}

export function recordPainted(id: string, enteredAt: number): void {
  afterPaint(() => {
    metrics.latencies.push(epochNow() - enteredAt);
    if (metrics.latencies.length > 5000) metrics.latencies.splice(0, 1000);
    metrics.lastPainted = id;
  });
}
