// One place that turns a relay setting into a Relay, for the station core and the CLI.
import type { Relay } from '../types.js';
import { DctTechRelay, NoRelay } from './other-relays.js';
import { CommandRelay, LcusRelay } from './serial-relays.js';

export type RelayConfig =
  | { kind: 'none' }
  | { kind: 'lcus'; path: string; channel?: number; baudRate?: number }
  | { kind: 'serial-command'; path: string; baudRate?: number; on: string; off: string }
  | { kind: 'dcttech'; channel?: number; path?: string };

export function createRelay(config: RelayConfig): Relay {
  switch (config.kind) {
    case 'none':
      return new NoRelay();
    case 'lcus':
      return new LcusRelay(config);
    case 'serial-command':
      return new CommandRelay(config);
    case 'dcttech':
      return new DctTechRelay(config);
  }
}
