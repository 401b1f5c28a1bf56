// The camera decoder on @zxing/library: pure JavaScript, synchronous, the same in
// Node and the browser. TRY_HARDER stays off for live frames (the next frame is 100 ms
// away); still images turn it on. A frame read in vain is read once more at half
// size: depending on the code's content, @zxing/library misses some steady, sharp
// tickets at about 5 pixels per module (16 of 200 drawn at random), so every frame
// of them would be missed; at half size it read all 16. Frames without a code pay
// for the second look: a quarter of the pixels.
import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  MultiFormatReader,
  QRCodeReader,
  RGBLuminanceSource,
  type Result,
} from '@zxing/library';
import { halveLuma, toLuma, type Frame } from './frame.js';

export type CodeFormat = 'qr' | 'datamatrix' | 'aztec' | 'pdf417' | 'code-128' | 'ean-13';

export interface DecodeOptions {
  /** Look harder (slower): rotations, more binarizer passes. Default false. */
  tryHarder?: boolean;
  /** What to look for. Default ['qr']: tickets are QR codes, and QR alone is several times faster. */
  formats?: CodeFormat[];
}

export interface Decoded {
  text: string;
  symbology: string;
}

const TO_ZXING: Record<CodeFormat, BarcodeFormat> = {
  qr: BarcodeFormat.QR_CODE,
  datamatrix: BarcodeFormat.DATA_MATRIX,
  aztec: BarcodeFormat.AZTEC,
  pdf417: BarcodeFormat.PDF_417,
  'code-128': BarcodeFormat.CODE_128,
  'ean-13': BarcodeFormat.EAN_13,
};

const FROM_ZXING = new Map<BarcodeFormat, string>(Object.entries(TO_ZXING).map(([k, v]) => [v, k]));

const qrReader = new QRCodeReader();
const multiReader = new MultiFormatReader();

/** Decodes one frame; null when there is no readable code in it. Never throws on image content. */
export function decodeWithZxingJs(frame: Frame, options: DecodeOptions = {}): Decoded | null {
  const luma = toLuma(frame);
  const found = decodeLuma(luma, frame.width, frame.height, options);
  if (found || frame.width < MIN_HALVED_WIDTH * 2) return found;
  const half = halveLuma(luma, frame.width, frame.height);
  return decodeLuma(half.luma, half.width, half.height, options);
}

/** Below this a halved frame has too few pixels per module to be worth the try. */
const MIN_HALVED_WIDTH = 240;

function decodeLuma(luma: Uint8ClampedArray, width: number, height: number, options: DecodeOptions): Decoded | null {
  const formats = options.formats ?? ['qr'];
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luma, width, height)));
  const hints = new Map<DecodeHintType, unknown>();
  if (options.tryHarder) hints.set(DecodeHintType.TRY_HARDER, true);
  let result: Result;
  try {
    if (formats.length === 1 && formats[0] === 'qr') {
      result = qrReader.decode(bitmap, hints);
    } else {
      hints.set(DecodeHintType.POSSIBLE_FORMATS, formats.map((f) => TO_ZXING[f]));
      result = multiReader.decode(bitmap, hints);
    }
  } catch {
    // NotFound, Checksum and Format exceptions all mean "no code in this frame".
    return null;
  }
  return { text: result.getText(), symbology: FROM_ZXING.get(result.getBarcodeFormat()) ?? String(result.getBarcodeFormat()).toLowerCase() };
}
