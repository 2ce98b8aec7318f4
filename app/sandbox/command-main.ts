// Standalone entry for the sandbox (`node app/sandbox/command-main.ts --port 0`),
// used by tests that start the sandbox as its own process.
import { runSandboxCommand } from './command.ts';

await runSandboxCommand(process.argv.slice(2));
