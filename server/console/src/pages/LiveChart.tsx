// Admissions per minute, one line per gate, drawn by uPlot on a canvas. The
// chart is made once per set of gates and given new data on every summary,
// so the stream's updates do not rebuild it. Its clock is the venue's, on a
// 24-hour dial like every other time on the page.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { LiveSummary } from '../live.js';

const WINDOW_S = 30 * 60;
const COLOURS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#4b5563', '#db2777'];

/** Minutes along x (epoch s), one row per gate; a minute a gate had no admissions is 0. */
function series(perMinute: LiveSummary['perMinute']): { gates: string[]; data: uPlot.AlignedData } {
  const gates = [...new Set(perMinute.map((p) => p.gate))].sort();
  const minutes = [...new Set(perMinute.map((p) => p.minute))].sort((a, b) => a - b);
  if (minutes.length > 0) {
    // Every minute of at least the last half hour, so a quiet minute reads as 0 (and one minute alone is not a point in an empty year).
    const all: number[] = [];
    const last = minutes[minutes.length - 1]!;
    for (let m = Math.min(minutes[0]!, last - WINDOW_S); m <= last; m += 60) all.push(m);
    minutes.splice(0, minutes.length, ...all);
  }
  const index = new Map(minutes.map((m, i) => [m, i]));
  const rows = gates.map(() => minutes.map(() => 0));
  for (const p of perMinute) rows[gates.indexOf(p.gate)]![index.get(p.minute)!] = p.admitted;
  return { gates, data: [minutes, ...rows] };
}

/** uPlot's date templates on a 24-hour clock: {h} → {HH}, without am/pm. */
const fmtDate = (tpl: string) => uPlot.fmtDate(tpl.replace(/\{h\}/g, '{HH}').replace(/\s?\{(aa|AA|a|A)\}/g, ''));

/** `label`: the count's name (y axis), `timeLabel`: the time's (legend), both in the page's language. */
export function LiveChart({ perMinute, label, timeLabel, zone }: { perMinute: LiveSummary['perMinute']; label: string; timeLabel: string; zone: string | undefined }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<{ plot: uPlot; key: string } | null>(null);
  const { gates, data } = series(perMinute);
  const key = [zone, ...gates].join('\n');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    if (chart.current?.key !== key) {
      chart.current?.plot.destroy();
      const opts: uPlot.Options = {
        width: el.clientWidth || 600,
        height: 220,
        fmtDate,
        ...(zone ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), zone) } : {}),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(5, max)] } },
        axes: [{}, { label }],
        series: [{ label: timeLabel }, ...gates.map((gate, i) => ({ label: gate, stroke: COLOURS[i % COLOURS.length], width: 2, points: { show: true, size: 5 } }))],
      };
      chart.current = { plot: new uPlot(opts, data, el), key };
    } else {
      chart.current.plot.setData(data);
    }
  });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const resize = new ResizeObserver(() => chart.current?.plot.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.current?.plot.destroy();
      chart.current = null;
    };
  }, []);

  return <div className="live-chart" ref={box} data-testid="live-chart" />;
}
