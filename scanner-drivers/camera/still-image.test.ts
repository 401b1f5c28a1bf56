// Still images as venue IT (and later the ticket tests) hand them over: PNG bytes in
// a Buffer, or a JPEG photo of a ticket (encoded with jpeg-js at camera-like quality).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { decodeImage, decodeImageFile, ImageFormatError } from './still-image.js';
import { renderScene } from '../testing/qr-images.js';
import { gp1Ticket } from '../testing/tickets.js';
import { tempDir } from '../testing/socat.js';
import type { Frame } from './frame.js';

const dir = tempDir('gatepost-img-');
afterAll(() => dir.remove());

function png(frame: Frame): Buffer {
  const image = new PNG({ width: frame.width, height: frame.height });
  image.data = Buffer.from(frame.data);
  return PNG.sync.write(image);
}

describe('still image decoding', () => {
  it('reads a GP1 ticket from PNG bytes in a Buffer', async () => {
    const ticket = gp1Ticket(7);
    const bytes = png(renderScene({ width: 1280, height: 720, text: ticket, angle: 12, size: 0.6, noise: 5 }));
    expect(await decodeImage(bytes)).toEqual({ text: ticket, symbology: 'qr' });
  });

  it('reads a plain QR PNG as `qrcode` writes it (palette PNG, large quiet zone)', async () => {
    const ticket = gp1Ticket(8);
    const bytes = await QRCode.toBuffer(ticket, { errorCorrectionLevel: 'M', scale: 6 });
    expect((await decodeImage(bytes))?.text).toBe(ticket);
  });

  it('reads a transparent-background QR PNG as if printed on white', async () => {
    const ticket = gp1Ticket(9);
    const bytes = await QRCode.toBuffer(ticket, { errorCorrectionLevel: 'M', scale: 5, color: { dark: '#000000ff', light: '#00000000' } });
    expect((await decodeImage(bytes))?.text).toBe(ticket);
  });

  it('reads a JPEG photo of a ticket from a file', async () => {
    const ticket = gp1Ticket(10);
    const jpgPath = join(dir.path, 'photo.jpg');
    const frame = renderScene({ width: 1280, height: 720, text: ticket, angle: 20, size: 0.7, noise: 6 });
    writeFileSync(jpgPath, jpeg.encode({ width: frame.width, height: frame.height, data: Buffer.from(frame.data) }, 80).data);
    expect(readFileSync(jpgPath).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect((await decodeImageFile(jpgPath))?.text).toBe(ticket);
  });

  it('finds nothing in an image without a code', async () => {
    expect(await decodeImage(png(renderScene({ width: 800, height: 600, text: null, seed: 11, noise: 5 })))).toBeNull();
  });

  it('says what is wrong with a file that is not an image', async () => {
    await expect(decodeImage(Buffer.from('{"not":"an image"}'))).rejects.toThrow(ImageFormatError);
    const truncated = png(renderScene({ width: 64, height: 64, text: null })).subarray(0, 60);
    await expect(decodeImage(truncated)).rejects.toThrow(/not a readable PNG/);
  });
});
