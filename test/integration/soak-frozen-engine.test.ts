// Issue 13: the short version of the soak scenario (full scale: npm run soak).
import { frozenEngine } from '../soak/scenarios/frozen-engine.ts';
import { soakTest } from '../support/soak-test.ts';

soakTest(frozenEngine);
