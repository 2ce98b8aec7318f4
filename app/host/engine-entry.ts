// stub, replaced by the shell: E1's engine host (utility-process entry) lands at
// this path. It exists so the build and the packaging test bundle a realistic
// engine (better-sqlite3 external, the rest inlined) before the merge.
import { loadConfigFile } from '../config/load.ts';
import { runEngine } from '../cli/run.ts';

const configFile = process.env.DEVICE_UPLOADER_CONFIG;
if (!configFile) {
  console.error('engine-entry: DEVICE_UPLOADER_CONFIG is not set');
  process.exitCode = 2;
} else {
  process.exitCode = await runEngine(loadConfigFile(configFile), { once: false });
}
