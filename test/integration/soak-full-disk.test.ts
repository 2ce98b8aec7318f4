// Issue 13: the short version of the soak scenario (full scale: npm run soak).
import { tmpdir } from 'node:os';
import { fullDisk, mountRefused } from '../soak/scenarios/full-disk.ts';
import { soakTest } from '../support/soak-test.ts';

soakTest(fullDisk, { skip: mountRefused(tmpdir()) });
