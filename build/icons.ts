// Renders the app icon (icons/icon.svg) to the PNG sizes the installers use:
// icon.png (512) for electron-builder (it derives the Windows .ico from it) and
// icons/NxN.png for Linux desktops. Run after changing the SVG:
//   node bin/run-ts.js build/icons.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const here = dirname(fileURLToPath(import.meta.url));
const svg = readFileSync(join(here, 'icons', 'icon.svg'), 'utf8');

function render(size: number): Buffer {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
}

writeFileSync(join(here, 'icon.png'), render(512));
for (const size of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(join(here, 'icons', `${size}x${size}.png`), render(size));
console.log('icons written to build/icon.png and build/icons/');
