import { Resvg } from '@resvg/resvg-js';
const e = `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1760"></svg>`;
const o = { font: { loadSystemFonts: false } };
const ts = [];
for (let i = 0; i < 200; i++) { const s = performance.now(); const r = new Resvg(e, o); const img = r.render(); ts.push(performance.now() - s); }
ts.sort((a, b) => a - b);
console.log('p10', ts[20].toFixed(1), 'p50', ts[100].toFixed(1), 'p90', ts[180].toFixed(1));
const ts2 = [];
for (let i = 0; i < 200; i++) { const s = performance.now(); const r = new Resvg(e, o); const img = r.render(); ts2.push(performance.now() - s); if (i % 10 === 0) globalThis.gc?.(); }
ts2.sort((a, b) => a - b);
console.log('with gc p10', ts2[20].toFixed(1), 'p50', ts2[100].toFixed(1), 'p90', ts2[180].toFixed(1));
