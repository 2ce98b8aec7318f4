// Issue 13: the short version of the soak scenario (full scale: npm run soak).
import { networkFaults } from '../soak/scenarios/network-faults.ts';
import { soakTest } from '../support/soak-test.ts';

soakTest(networkFaults);
