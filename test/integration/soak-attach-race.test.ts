// Issue 16: the short version of the soak scenario (full scale: npm run soak -- --only attach-race).
import { attachRace } from '../soak/scenarios/attach-race.ts';
import { soakTest } from '../support/soak-test.ts';

soakTest(attachRace);
