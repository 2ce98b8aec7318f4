// Issue 13: the short version of the soak scenario (full scale: npm run soak).
import { ipcFuzz } from '../soak/scenarios/ipc-fuzz.ts';
import { soakTest } from '../support/soak-test.ts';

soakTest(ipcFuzz);
