// Draws the tray's state icons (main/icons/tray-<state>.png, 32x32 RGBA):
// a filled disc per state, colour-coded, with a darker ring so it reads on
// light and dark panels. Run once when the palette changes; the PNGs are committed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 32;
const COLOURS: Record<string, [number, number, number]> = {
  ok: [46, 160, 67],
  paused: [128, 128, 128],
  attention: [214, 92, 0],
  offline: [90, 110, 150],
};

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function disc([r, g, b]: [number, number, number]): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < SIZE; y++) {
    const row = Buffer.alloc(1 + SIZE * 4);
    for (let x = 0; x < SIZE; x++) {
      const d = Math.hypot(x + 0.5 - SIZE / 2, y + 0.5 - SIZE / 2);
      const ring = d > 11.5;
      const alpha = d > 13 ? 0 : 255;
      row.set(ring ? [r * 0.6, g * 0.6, b * 0.6, alpha] : [r, g, b, alpha], 1 + x * 4);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const [state, colour] of Object.entries(COLOURS)) {
  writeFileSync(join(import.meta.dirname, '..', 'main', 'icons', `tray-${state}.png`), disc(colour));
}
