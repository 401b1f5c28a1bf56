import { Resvg } from '@resvg/resvg-js';
const time = (name: string, svg: string, o: object) => {
  new Resvg(svg, o).render();
  let best = Infinity;
  for (let i = 0; i < 20; i++) { const s = performance.now(); new Resvg(svg, o).render(); best = Math.min(best, performance.now() - s); }
  console.log(name, best.toFixed(1));
};
const e = `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1760"></svg>`;
time('empty no bg', e, { font: { loadSystemFonts: false } });
time('empty bg', e, { font: { loadSystemFonts: false }, background: '#fff' });
time('white rect', `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1760"><rect width="1080" height="1760" fill="#fff"/></svg>`, { font: { loadSystemFonts: false } });
time('white rect crisp', `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1760" shape-rendering="crispEdges"><rect width="1080" height="1760" fill="#fff"/></svg>`, { font: { loadSystemFonts: false } });
time('empty no bg', e, { font: { loadSystemFonts: false } });
