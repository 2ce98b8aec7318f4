// Issue 13: the short version of the soak scenario (full scale: npm run soak).
import { clockSkew, faketimeMissing } from '../soak/scenarios/clock-skew.ts';
import { soakTest } from '../support/soak-test.ts';

soakTest(clockSkew, { skip: faketimeMissing() });
