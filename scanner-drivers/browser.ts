// What the renderer may import: nothing here touches Node (no serialport, node-hid,
// fs), so Vite bundles it for Chromium. The keyboard wedge and the camera live here.
export type { ScanEvent, ScanSource, ScanSourceEvents, SourceState, StatusEvent, Relay, RelayEvents, RelayState, RelayStatus } from './types.js';
export { TypedEmitter, type Emitter } from './emitter.js';
export { stripAim, symbologyOfAim } from './aim.js';
export { WedgeDetector, DEFAULT_WEDGE_SETTINGS, type KeyEvent, type WedgeSettings, type WedgeOutput } from './wedge/detector.js';
export { KeyboardWedgeSource, type WedgeSourceEvents, type WedgeSourceOptions } from './wedge/source.js';
export { type Frame, toLuma, toRgba } from './camera/frame.js';
export { decodeWithZxingJs, type CodeFormat, type DecodeOptions, type Decoded } from './camera/zxing-js.js';
export { prepareZxingWasm, decodeWithZxingWasm, decodeImageBytesWithZxingWasm } from './camera/zxing-wasm.js';
export { createCameraDecoder, type CameraDecoder, type CameraDecoderOptions, type Engine } from './camera/decoder.js';
export { CameraSource, UserMediaGrabber, type CameraSourceOptions, type FrameGrabber, type UserMediaGrabberOptions } from './camera/source.js';
