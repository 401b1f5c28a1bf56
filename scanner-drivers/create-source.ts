// One place that turns a source setting into a ScanSource, for the station core.
// Only the Node-side sources: the wedge and the camera run in the renderer.
import type { ScanSource } from './types.js';
import { SerialScanSource, type SerialSourceOptions } from './serial/source.js';
import { HidPosScanSource, type HidPosSourceOptions } from './hid/source.js';

export type NodeSourceConfig = ({ kind: 'serial' } & SerialSourceOptions) | ({ kind: 'hid' } & Omit<HidPosSourceOptions, 'open'>);

export function createScanSource(config: NodeSourceConfig): ScanSource {
  if (config.kind === 'serial') {
    const { kind: _kind, ...options } = config;
    return new SerialScanSource(options);
  }
  const { kind: _kind, ...options } = config;
  return new HidPosScanSource(options);
}
