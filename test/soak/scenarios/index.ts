// Every soak scenario, in the order `npm run soak` runs them.
import type { SoakScenario } from '../types.ts';
import { clockSkew } from './clock-skew.ts';
import { killNine } from './kill-nine.ts';
import { networkFaults } from './network-faults.ts';

export const soakScenarios: SoakScenario[] = [networkFaults, killNine, clockSkew];
