// The station core's (Node) entry: every source and relay. The renderer imports
// ./browser.js instead, which holds only what runs in Chromium.
export * from './browser.js';
export { SerialScanSource, type SerialSourceOptions } from './serial/source.js';
export { Framer, parseFraming, framingName, FRAMING_HELP, type Framing } from './serial/framing.js';
export { listSerialPorts, type SerialPortInfo } from './serial/list.js';
export { HidPosScanSource, openHidDevice, type HidPosSourceOptions, type HidTarget, type HidDeviceLike } from './hid/source.js';
export { HidPosAssembler, parseScannedDataReport, HID_POS_USAGE_PAGE } from './hid/report.js';
export { listHidScanners, scannerCandidates, parseVidPid, vidPid, SCANNER_VENDORS, type HidCandidate } from './hid/devices.js';
export { honeywellMenuReport, HONEYWELL_HID_POS_COMMAND } from './hid/honeywell.js';
export { createRelay, type RelayConfig } from './relays/create.js';
export { LcusRelay, CommandRelay, lcusFrame, parseCommandBytes, type LcusRelayOptions, type CommandRelayOptions } from './relays/serial-relays.js';
export { DctTechRelay, NoRelay, dcttechReport, DCTTECH_VENDOR_ID, DCTTECH_PRODUCT_ID, type DctTechRelayOptions } from './relays/other-relays.js';
export { MAX_PULSE_MS } from './relays/base.js';
export { createScanSource, type NodeSourceConfig } from './create-source.js';
export { prepareZxingWasmForNode } from './camera/zxing-wasm-node.js';
export { decodeImage, decodeImageFile, pngToFrame, ImageFormatError } from './camera/still-image.js';
