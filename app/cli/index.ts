// Headless entry: `device-uploader <command>`. Each command lives in its own
// module and is imported only when chosen, so `--help` starts instantly and a
// command's dependencies (SQLite, S3 SDK) load only when needed.
import { readFileSync } from 'node:fs';
import { tuneHeapForEngine } from '../common/engine-heap.ts';
import { shrinkHeapWhenIdle } from '../common/idle-shrink.ts';
import { endQuietlyWhenOutputCloses } from './closed-output.ts';

interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number | void>;
}

const commands: Record<string, Command> = {
  start: {
    summary: 'run the uploader with its queue window; with no config, a demo on a local sandbox and an inbox folder',
    usage: 'device-uploader start [--config FILE] [--inbox DIR] [--ui-port N]',
    run: async (args) => (await import('./start.ts')).startCommand(args),
  },
  run: {
    summary: 'run the engine headless on a config file; --once uploads what is there and exits',
    usage: 'device-uploader run --config FILE [--once [--settle-limit SECONDS]]',
    run: async (args) => (await import('./run.ts')).runCommand(args),
  },
  serve: {
    summary: 'run the engine plus its window as a web page on 127.0.0.1 (prints the address with its access token)',
    usage: 'device-uploader serve --config FILE [--ui-port N]',
    run: async (args) => (await import('./serve.ts')).serveCommand(args),
  },
  status: {
    summary: 'show the queue from the database (no BioT contact)',
    usage: 'device-uploader status --config FILE [--json] [--limit N] [--names]',
    run: async (args) => (await import('./status.ts')).statusCommand(args),
  },
  doctor: {
    summary: 'test the path to BioT step by step (DNS, proxy, TLS, login, storage) and say what to fix',
    usage: 'device-uploader doctor --config FILE',
    run: async (args) => (await import('./doctor.ts')).doctorCommand(args),
  },
  repair: {
    summary: 'rebuild a damaged queue database from what can be read and the upload journal (stop the uploader first)',
    usage: 'device-uploader repair --config FILE',
    run: async (args) => (await import('./repair.ts')).repairCommand(args),
  },
  service: {
    summary: 'install, remove or show the engine as a service of this machine (systemd, launchd, Windows), started at boot',
    usage:
      'device-uploader service install --config FILE [--user NAME | --account NAME] [--node PATH] [--winsw PATH] [--dry-run]\n' +
      '       device-uploader service uninstall [--dry-run]\n' +
      '       device-uploader service status',
    run: async (args) => (await import('./service.ts')).serviceCommand(args),
  },
  sandbox: {
    summary: 'run a local BioT-compatible service (login + file API) for demos and tests',
    usage:
      'device-uploader sandbox [--port N] [--data DIR] [--link-ttl S] [--token-ttl S]\n' +
      '    [--s3-endpoint URL --s3-bucket B --s3-access-key K --s3-secret-key S] [--proxy-storage]\n' +
      '    [--https | --tls-cert FILE --tls-key FILE] [--host-name NAME] [--verbose]',
    run: async (args) => (await import('../sandbox/command.ts')).runSandboxCommand(args),
  },
};

function version(): string {
  // Two folders up from app/cli/ and from the bundle's out/cli/ alike.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function help(): string {
  const lines = [
    `Device Uploader ${version()}: uploads clinic device exports to BioT.`,
    '',
    'Usage: device-uploader <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
    '',
    "Run `device-uploader <command> --help` for a command's options.",
  ];
  return lines.join('\n');
}

/** Runs the CLI with the given arguments and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  tuneHeapForEngine();
  // Output piped into something that stops reading (`| head -1`) ends the command quietly.
  endQuietlyWhenOutputCloses();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`device-uploader: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`Usage: ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  // The commands that run an engine for hours give memory back after a burst.
  if (name === 'run' || name === 'serve') shrinkHeapWhenIdle();
  try {
    const code = await command.run(rest);
    return typeof code === 'number' ? code : Number(process.exitCode ?? 0);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.name === 'UsageError') {
      console.error(`device-uploader ${name}: ${message}\nUsage: ${command.usage}`);
      return 2;
    }
    console.error(`device-uploader ${name}: ${message}`);
    return error instanceof Error && error.name === 'ConfigError' ? 2 : 1;
  }
}
