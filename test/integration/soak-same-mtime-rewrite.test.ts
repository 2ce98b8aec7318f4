// Issue 16: the short version of the soak scenario (full scale: npm run soak -- --only same-mtime-rewrite).
import { sameMtimeRewrite } from '../soak/scenarios/same-mtime-rewrite.ts';
import { soakTest } from '../support/soak-test.ts';

soakTest(sameMtimeRewrite);
