// The Electron bundle's entry: the station app, or with --gatepost-cli the
// station-side `gatepost` commands (cli.ts), run in the app's main process and
// gone when they finish. Either module loads only when chosen.
import { app } from 'electron';

const at = process.argv.indexOf('--gatepost-cli');
if (at >= 0) {
  const { runCli } = await import('./cli.js');
  app.exit(await runCli(process.argv.slice(at + 1)));
} else {
  await import('./main.js');
}
