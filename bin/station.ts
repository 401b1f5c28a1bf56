// gatepost station: the gate station. The Electron app by default; with --web,
// or where Electron is not installed, the web-kiosk shell on loopback for any
// Chromium (`chromium --app=URL`).
import { resolve } from 'node:path';
import { defaultConfigFile, StationFolderError } from '../main/core/paths.js';
import { StationCore } from '../main/core/station.js';
import { electronBinary, electronProblem, launchElectron } from '../main/electron/launch.js';
import { startWebKiosk } from '../main/web-kiosk/server.js';
import { StartError } from '../server/common/start-error.js';
import { parseFlags, portFlag } from './options.js';
import { onShutdown } from './shutdown.js';

export async function run(argv: string[]): Promise<void> {
  const flags = parseFlags('station', argv, {
    web: { type: 'boolean', env: 'GATEPOST_STATION_WEB', help: 'serve the web-kiosk shell instead of opening the Electron window' },
    port: { type: 'string', env: 'GATEPOST_STATION_PORT', default: '7702', help: 'web-kiosk port (loopback only)' },
    config: { type: 'string', env: 'GATEPOST_STATION_CONFIG', help: 'config file (default: the user data folder)' },
  });
  const port = portFlag(flags.port);
  const configFile = resolve(flags.config ?? defaultConfigFile());

  if (!flags.web) {
    const binary = electronBinary();
    if (binary) {
      const code = await launchElectron(binary, configFile);
      process.exit(code);
    }
    console.error(`gatepost station: ${electronProblem()}; starting the web-kiosk shell instead`);
  }

  const core = openStation(configFile);
  await core.start();
  const kiosk = await startWebKiosk({ core, port });
  // The screen's URL carries this launch's bridge secret: it goes to the
  // operator's terminal (stderr), never into the log.
  const kioskFlag = core.config.current.kiosk ? ' --kiosk' : '';
  console.error(`gatepost station: open the screen with  chromium --app='${kiosk.screenUrl}' --autoplay-policy=no-user-gesture-required${kioskFlag}`);
  core.log.info({ url: kiosk.origin, config: configFile }, `station ready at ${kiosk.origin} (the screen's URL, with its secret, is on stderr)`);
  onShutdown(async () => {
    await kiosk.close();
    await core.close();
  });
}

function openStation(configFile: string): StationCore {
  try {
    return new StationCore({ configFile });
  } catch (err) {
    if (err instanceof StationFolderError) throw new StartError(`--config (GATEPOST_STATION_CONFIG): ${err.message}`);
    throw err;
  }
}
