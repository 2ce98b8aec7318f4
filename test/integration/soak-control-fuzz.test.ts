// Issue 13: the short version of the soak scenario (full scale: npm run soak).
import { controlFuzz } from '../soak/scenarios/control-fuzz.ts';
import { soakTest } from '../support/soak-test.ts';

soakTest(controlFuzz);
