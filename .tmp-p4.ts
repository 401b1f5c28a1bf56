import { Resvg } from '@resvg/resvg-js';
import { readFileSync } from 'node:fs';
const full = readFileSync('/tmp/tk/zh.svg', 'utf8');
const o = { font: { loadSystemFonts: false }, background: '#fff' };
const variants: [string, string][] = [
  ['full', full],
  ['no text', full.replace(/<g fill="[^"]*" transform[^>]*>.*?<\/g>/g, '')],
  ['no qr', full.replace(/<path fill="#000" shape-rendering.*?\/>/, '')],
  ['no frame/shadow', full.replace(/<path fill-rule="evenodd".*?\/>/g, '')],
  ['no header', full.replace(/<path fill="#14161d".*?\/>/g, '')],
  ['empty', `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1760"></svg>`],
];
const tot = new Map<string, number>(); let n = 0;
const end = performance.now() + 8000;
while (performance.now() < end) { for (const [name, svg] of variants) { const s = performance.now(); new Resvg(svg, o).render(); tot.set(name, (tot.get(name) ?? 0) + performance.now() - s); } n++; }
for (const [k, v] of tot) console.log(k, (v / n).toFixed(1));
