// A line chart as a PNG, drawn without a browser or a native canvas:
// Vega-Lite compiles the spec, Vega renders it to SVG, resvg rasterises it.
import { writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface Point {
  x: number;
  y: number;
  series: string;
}

/** One line per series, x on a log scale; written to `file` as PNG. */
export async function logXLinePng(file: string, points: Point[], labels: { title: string; x: string; y: string }): Promise<void> {
  const spec: TopLevelSpec = {
    title: labels.title,
    width: 560,
    height: 320,
    background: 'white',
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: labels.x, scale: { type: 'log' }, axis: { format: '.0e' } },
      y: { field: 'y', type: 'quantitative', title: labels.y, scale: { zero: true } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  // resvg finds no fonts unless told to load the system's: the axis labels would vanish.
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'zoom', value: 2 } }).render().asPng();
  writeFileSync(file, png);
}
