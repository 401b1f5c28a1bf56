#!/usr/bin/env -S node --max-semi-space-size=64
// The `gatepost` command (the package's bin), in either of two installs:
//  - a production install (`npm ci && npm run build && npm prune --omit=dev`):
//    runs the JavaScript build in dist/, which needs no devDependency and
//    writes nothing here;
//  - a source checkout (`npm install`, tsx present): runs the TypeScript
//    sources through tsx, building the browser bundles a command serves first
//    when they are missing or stale (build/assets.ts), so `npm install && npm
//    start` is all a fresh clone needs.
// The flag above: a server's young generation may grow to 64 MB semi-spaces
// (Node's default stops at 16). Each scavenge copies every request still in
// flight (64 relayed scans waiting on their provider: ~9 ms a scavenge here),
// so fewer scavenges are most of a relay's GC time saved: 18–34 µs of GC per
// scan fell to 7–8 µs. It only grows under load; an idle process stays small.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const sources = existsSync(new URL('./main.ts', import.meta.url)) && resolvable('tsx/esm/api');
if (sources) {
  const { register } = await import('tsx/esm/api');
  register();
  const args = process.argv.slice(2);
  if (!args.includes('--help') && !args.includes('-h')) {
    const { ensureForCommand } = await import('../build/assets.ts');
    // Progress on stderr: stdout stays the command's own (JSON logs, scan lines).
    const say = (m) => console.error(`gatepost: ${m}`);
    // A failed build is reported; the command still starts and says what is missing.
    await ensureForCommand(args[0], { info: say, warn: say }).catch((err) => say(`could not build: ${err.message}`));
  }
  await import('./main.ts');
} else if (existsSync(new URL('../dist/bin/main.js', import.meta.url))) {
  await import('../dist/bin/main.js');
} else {
  console.error('gatepost: this install has neither a build (dist/) nor the dev tools to run the sources: run `npm run build`, or `npm install`');
  process.exit(1);
}

function resolvable(name) {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
