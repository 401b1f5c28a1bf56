// `npm run build`: the production build, into dist/.
//  - the servers, the station's Node side and the CLI: every runtime module
//    transpiled to JavaScript one file for one file (esbuild), in the same
//    tree as the sources, so a module finds what it reads beside it
//    (dist/bin/main.js, dist/server/…, dist/main/…);
//  - the customer page into dist/server/web/dist, the operator console into
//    dist/server/console/dist and the station screen into dist/renderer/dist
//    (Vite), where the compiled servers look for them.
// After it, `npm prune --omit=dev` leaves an install that runs every command
// from dist/ (`node dist/bin/gatepost.js`, or the package's `gatepost`)
// without tsx, Vite or esbuild, and writes nothing under its own folder.
// Only modules the command can load go in: tests, test support, benchmarks and
// build tooling stay out, and a runtime module importing one fails the build.
import { build } from 'esbuild';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { consolePage, customerPage, REPO, stationScreen, viteBuild } from './assets.js';

/** Where the command starts: every module it may load is found from here by following imports. */
const ENTRY = 'bin/main.ts';
const OUT = join(REPO, 'dist');
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The modules reachable from ENTRY through relative imports (static and dynamic), as repo-relative .ts paths. */
function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(join(REPO, file), 'utf8').matchAll(IMPORT)) {
      const target = relative(REPO, resolve(REPO, dirname(file), m[1]!));
      const source = [target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.tsx'), target].find((f) => existsSync(join(REPO, f)));
      if (!source) throw new Error(`${file} imports ${m[1]}, which is not there`);
      if (/\.tsx?$/.test(source)) queue.push(source);
    }
  }
  return [...seen].sort();
}

/** Every relative import in the output must name a file that is there: a module left out fails the build, not a start. */
function checkImports(files: string[]): void {
  const missing: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1]!);
      if (!existsSync(target)) missing.push(`${relative(REPO, file)} → ${m[1]}`);
    }
  }
  if (missing.length > 0) throw new Error(`the build imports modules it does not contain:\n  ${missing.join('\n  ')}`);
}

/** No output may import a devDependency: after `npm prune --omit=dev` it would not be there. */
function checkPackages(files: string[]): void {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const bad: string[] = [];
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'".][^'"]*)['"]/g)) {
      const spec = m[1]!;
      if (isBuiltin(spec)) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      if (!(name in pkg.dependencies)) bad.push(`${relative(REPO, file)} → ${spec}${name in pkg.devDependencies ? ' (a devDependency)' : ''}`);
    }
  }
  if (bad.length > 0) throw new Error(`the build imports packages a production install does not have:\n  ${bad.join('\n  ')}`);
}

const started = Date.now();
const log = { info: (m: string) => console.log(m), warn: (m: string) => console.warn(m) };
const step = (what: string) => console.log(`build: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

const entries = reachable(ENTRY);
const bad = entries.filter((e) => /\.test\.ts$|(^|\/)testing(\/|\.ts$)|^build\/|^bench\//.test(e));
if (bad.length > 0) throw new Error(`runtime modules import test or build code: ${bad.join(', ')}`);
// Only what this build makes: dist/installers (npm run dist) stays.
for (const dir of new Set([...entries.map((e) => e.split('/')[0]!), 'renderer'])) rmSync(join(OUT, dir), { recursive: true, force: true });

const result = await build({
  entryPoints: entries.map((e) => join(REPO, e)),
  outdir: OUT,
  outbase: REPO,
  bundle: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  metafile: true,
});
const outputs = Object.keys(result.metafile.outputs).map((o) => resolve(REPO, o));
// The command: the shebang's node flags as in bin/gatepost.js, then the dispatcher.
const shebang = readFileSync(join(REPO, 'bin', 'gatepost.js'), 'utf8').split('\n')[0]!;
const entry = join(OUT, 'bin', 'gatepost.js');
writeFileSync(entry, `${shebang}\n// The gatepost command, built: see bin/gatepost.js.\nawait import('./main.js');\n`);
chmodSync(entry, 0o755);
checkImports([...outputs, entry]);
checkPackages(outputs);
step(`${entries.length} modules compiled into dist/`);

await viteBuild(customerPage(), join(OUT, 'server', 'web', 'dist'), log);
step('customer page built into dist/server/web/dist');
await viteBuild(consolePage(), join(OUT, 'server', 'console', 'dist'), log);
step('operator console built into dist/server/console/dist');
await viteBuild(stationScreen(), join(OUT, 'renderer', 'dist'), log);
step('station screen built into dist/renderer/dist');
console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s; run it with  node dist/bin/gatepost.js <command>`);
