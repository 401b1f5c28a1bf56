// The camera decoder on @zxing/library: pure JavaScript, synchronous, the same in
// Node and the browser. TRY_HARDER stays off for live frames (the next frame is 100 ms
// away); still images turn it on.
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
import { toLuma, type Frame } from './frame.js';

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
  const formats = options.formats ?? ['qr'];
  const luma = toLuma(frame);
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luma, frame.width, frame.height)));
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
