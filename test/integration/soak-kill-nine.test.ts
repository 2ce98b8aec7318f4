// Issue 13: the short version of the soak scenario (full scale: npm run soak).
import { killNine } from '../soak/scenarios/kill-nine.ts';
import { soakTest } from '../support/soak-test.ts';

soakTest(killNine);
