// A stand-in for Electron's unpacked distribution (electron-builder's
// `electronDist`), for packaging tests on machines that cannot download the
// real binary. Its `electron` file is not a program: it only carries the fuse
// wire where @electron/fuses looks for it, so electron-builder can flip the
// fuses and the test can read them back.
//
// Wire format (from @electron/fuses): the sentinel string, then one byte with
// the wire version (1), one byte with the number of fuses, then one ASCII byte
// per fuse: '0' disabled, '1' enabled, 'r' removed.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SENTINEL } from '@electron/fuses/dist/constants.js';

/**
 * Electron's own defaults for the eight V1 fuses, in wire order: RunAsNode on,
 * cookie encryption off, NODE_OPTIONS on, --inspect on, asar integrity off,
 * only-asar off, browser V8 snapshot off, file:// extra privileges on. Starting
 * from these, every fuse the app's config sets must actually be flipped.
 */
export const ELECTRON_DEFAULT_FUSES = '10110001';

export function writeElectronStandin(dir: string, wire = ELECTRON_DEFAULT_FUSES): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const binary = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in for the Electron binary (packaging tests only)"; exit 1\n'),
    Buffer.alloc(256),
    Buffer.from(SENTINEL, 'ascii'),
    Buffer.from([1, wire.length]),
    Buffer.from(wire, 'ascii'),
    Buffer.alloc(256),
  ]);
  const path = join(dir, 'electron');
  writeFileSync(path, binary);
  chmodSync(path, 0o755);
  return path;
}
