// Standalone entry for the sandbox (`node app/sandbox/command-main.ts --port 0`),
// used by tests and handy before app/cli.ts is wired.
import { runSandboxCommand } from './command.ts';

await runSandboxCommand(process.argv.slice(2));
