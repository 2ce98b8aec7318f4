// Every soak scenario, in the order `npm run soak` runs them.
import type { SoakScenario } from '../types.ts';
import { attachRace } from './attach-race.ts';
import { canary } from './canary.ts';
import { controlFuzz } from './control-fuzz.ts';
import { clockSkew } from './clock-skew.ts';
import { fullDisk } from './full-disk.ts';
import { damagedDatabase } from './damaged-database.ts';
import { frozenEngine } from './frozen-engine.ts';
import { ipcFuzz } from './ipc-fuzz.ts';
import { killNine } from './kill-nine.ts';
import { networkFaults } from './network-faults.ts';
import { sameMtimeRewrite } from './same-mtime-rewrite.ts';

export const soakScenarios: SoakScenario[] = [
  networkFaults,
  killNine,
  clockSkew,
  frozenEngine,
  fullDisk,
  damagedDatabase,
  canary,
  controlFuzz,
  ipcFuzz,
  attachRace,
  sameMtimeRewrite,
];
