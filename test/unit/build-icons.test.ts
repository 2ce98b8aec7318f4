// The product icons in build/ are what scripts/build-icons.ts draws, in the
// formats and sizes electron-builder needs (a 1024 px PNG, a PNG .ico with a
// 256 px image, an .icns with the 1024 px retina image).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { drawIcon, encodePng, ICON_SIZES } from '../../scripts/build-icons.ts';

const buildDir = resolve(import.meta.dirname, '..', '..', 'build');
const read = (name: string) => readFileSync(join(buildDir, name));

function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

/** The inflated IDAT data of a single-IDAT PNG (as encodePng writes). */
function pixelRows(png: Buffer): Buffer {
  let at = 8;
  while (png.toString('ascii', at + 4, at + 8) !== 'IDAT') at += 12 + png.readUInt32BE(at);
  return inflateSync(png.subarray(at + 8, at + 8 + png.readUInt32BE(at)));
}

describe('product icons', () => {
  it('icon.png is the 1024 px master and every Linux size is present', () => {
    expect(pngSize(read('icon.png'))).toEqual([1024, 1024]);
    for (const size of ICON_SIZES) expect(pngSize(read(`icons/${size}x${size}.png`))).toEqual([size, size]);
  });

  it('icon.ico holds PNG images up to 256 px', () => {
    const ico = read('icon.ico');
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => {
      const at = 6 + i * 16;
      const png = ico.subarray(ico.readUInt32LE(at + 12), ico.readUInt32LE(at + 12) + ico.readUInt32LE(at + 8));
      const [w] = pngSize(png);
      expect(ico.readUInt8(at) || 256).toBe(w);
      return w;
    });
    expect(sizes).toContain(256);
    expect(sizes).toContain(16);
  });

  it('icon.icns is a well-formed container with the 512 and 1024 px images', () => {
    const icns = read('icon.icns');
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types = new Map<string, Buffer>();
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      types.set(icns.toString('ascii', at, at + 4), icns.subarray(at + 8, at + icns.readUInt32BE(at + 4)));
    }
    expect(pngSize(types.get('ic09')!)).toEqual([512, 512]);
    expect(pngSize(types.get('ic10')!)).toEqual([1024, 1024]);
  });

  it('the committed images are what the script draws (run npm run build:icons after changing it)', () => {
    // Compares pixels, not compressed bytes: another zlib may compress differently.
    for (const size of [16, 64, 256]) {
      const drawn = pixelRows(encodePng(size, drawIcon(size)));
      expect(pixelRows(read(`icons/${size}x${size}.png`)).equals(drawn), `${size} px`).toBe(true);
    }
  });
});
