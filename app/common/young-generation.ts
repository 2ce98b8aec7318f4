// V8 lets its young generation (where every short-lived object starts) grow
// from two 1 MiB semi-spaces to two of 16 MiB under a high allocation rate,
// and keeps it there: at 8 files in flight the engine's heap grew to 95 MiB
// for 30 MiB of live objects, and a 1 GiB upload carried 32 MiB of it (issue
// 20). Kept at its first size, the same runs peaked 60 and 8 MiB lower for
// the same CPU (more, smaller scavenges of objects that are mostly dead).
//
// The flag is read each time the young generation would grow, so setting it
// at start works however Node was launched (npx, a service's `node
// bin\device-uploader.js`, Electron's utilityProcess), where
// --max-semi-space-size would need every launcher to pass it.
import { setFlagsFromString } from 'node:v8';

/** Keeps the young generation at its first size for the rest of this process. */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
