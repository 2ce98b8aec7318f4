// Issue 13: the short version of the soak scenario (full scale: npm run soak).
import { damagedDatabase } from '../soak/scenarios/damaged-database.ts';
import { soakTest } from '../support/soak-test.ts';

soakTest(damagedDatabase);
