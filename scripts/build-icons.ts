// Draws the product icon (a white upload arrow into a tray, on a blue rounded
// square) and writes every format electron-builder wants into build/:
//   icon.png (1024 px), icons/NxN.png (Linux set), icon.ico (Windows), icon.icns (macOS).
// Each size is drawn directly (4x4 supersampled), not scaled down, so small
// sizes stay crisp. Dependency-free: PNG is zlib + CRC32, ICO and ICNS embed PNGs.
// Run after changing the drawing: node scripts/build-icons.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const BLUE = [0x0f, 0x5f, 0xa8] as const;
const WHITE = [0xff, 0xff, 0xff] as const;

/** What covers the point (u, v) of the unit square: the arrow/tray, the background, or nothing. */
function paintAt(u: number, v: number): 'mark' | 'back' | null {
  if (!inRoundedSquare(u, v, 0.06, 0.2)) return null;
  const shaft = u >= 0.43 && u <= 0.57 && v >= 0.38 && v <= 0.68;
  // Arrow head: apex (0.5, 0.16), base at v = 0.42 from u = 0.26 to 0.74.
  const head = v >= 0.16 && v <= 0.42 && Math.abs(u - 0.5) <= ((v - 0.16) / 0.26) * 0.24;
  const trayBottom = u >= 0.22 && u <= 0.78 && v >= 0.76 && v <= 0.84;
  const traySides = v >= 0.6 && v <= 0.84 && ((u >= 0.22 && u <= 0.3) || (u >= 0.7 && u <= 0.78));
  return shaft || head || trayBottom || traySides ? 'mark' : 'back';
}

function inRoundedSquare(u: number, v: number, inset: number, radius: number): boolean {
  const lo = inset + radius;
  const hi = 1 - inset - radius;
  const dx = Math.max(lo - u, 0, u - hi);
  const dy = Math.max(lo - v, 0, v - hi);
  return dx * dx + dy * dy <= radius * radius;
}

/** RGBA pixels of the icon at `size` x `size`. */
export function drawIcon(size: number): Buffer {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let mark = 0;
      let back = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const hit = paintAt((x + (sx + 0.5) / samples) / size, (y + (sy + 0.5) / samples) / size);
          if (hit === 'mark') mark++;
          else if (hit === 'back') back++;
        }
      }
      const covered = mark + back;
      const at = (y * size + x) * 4;
      if (covered === 0) continue;
      // Colour is the mix of what covers the pixel; alpha is how much is covered.
      for (let c = 0; c < 3; c++) pixels[at + c] = Math.round((WHITE[c]! * mark + BLUE[c]! * back) / covered);
      pixels[at + 3] = Math.round((255 * covered) / (samples * samples));
    }
  }
  return pixels;
}

/** A PNG (8-bit RGBA, no interlace) of `size` x `size` RGBA pixels. */
export function encodePng(size: number, rgba: Buffer): Buffer {
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A Windows .ico holding PNG images (supported since Windows Vista). */
export function encodeIco(pngs: ReadonlyMap<number, Buffer>): Buffer {
  const entries = [...pngs].sort(([a], [b]) => a - b);
  const head = Buffer.alloc(6 + entries.length * 16);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2); // type: icon
  head.writeUInt16LE(entries.length, 4);
  let offset = head.length;
  entries.forEach(([size, png], i) => {
    const at = 6 + i * 16;
    head.writeUInt8(size >= 256 ? 0 : size, at); // 0 means 256
    head.writeUInt8(size >= 256 ? 0 : size, at + 1);
    head.writeUInt16LE(1, at + 4); // colour planes
    head.writeUInt16LE(32, at + 6); // bits per pixel
    head.writeUInt32LE(png.length, at + 8);
    head.writeUInt32LE(offset, at + 12);
    offset += png.length;
  });
  return Buffer.concat([head, ...entries.map(([, png]) => png)]);
}

/** ICNS element types that hold a PNG of the given pixel size. */
const ICNS_TYPES: ReadonlyArray<[string, number]> = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];

/** A macOS .icns holding PNG images. */
export function encodeIcns(pngs: ReadonlyMap<number, Buffer>): Buffer {
  const elements = ICNS_TYPES.flatMap(([type, size]) => {
    const png = pngs.get(size);
    if (!png) return [];
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(8 + png.length, 4);
    return [head, png];
  });
  const body = Buffer.concat(elements);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

export function writeIcons(buildDir: string): void {
  const pngs = new Map<number, Buffer>(ICON_SIZES.map((size) => [size, encodePng(size, drawIcon(size))]));
  mkdirSync(join(buildDir, 'icons'), { recursive: true });
  writeFileSync(join(buildDir, 'icon.png'), pngs.get(1024)!);
  for (const [size, png] of pngs) writeFileSync(join(buildDir, 'icons', `${size}x${size}.png`), png);
  writeFileSync(join(buildDir, 'icon.ico'), encodeIco(new Map([...pngs].filter(([size]) => size <= 256))));
  writeFileSync(join(buildDir, 'icon.icns'), encodeIcns(pngs));
}

if (import.meta.main) {
  const buildDir = resolve(import.meta.dirname, '..', 'build');
  writeIcons(buildDir);
  console.log(`icons written to ${buildDir}`);
}
