// Issue 13: the short version of the soak scenario (full scale: npm run soak).
import { canary } from '../soak/scenarios/canary.ts';
import { soakTest } from '../support/soak-test.ts';

soakTest(canary);
