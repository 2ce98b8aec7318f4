// `device-uploader service install | uninstall | status`: the engine as the
// operating system's own service (systemd, launchd, a Windows service through
// WinSW), started at boot with nobody logged in and restarted on failure. It
// runs the same `run --config FILE` a person can try by hand first.
import { loadConfigFile } from '../config/load.ts';
import { dryRunHost, realHost, ServiceError, type ServiceHost } from '../service/host.ts';
import { installLinux, statusLinux, uninstallLinux } from '../service/linux.ts';
import { installMac, statusMac, uninstallMac } from '../service/macos.ts';
import type { InstallOptions, ServiceState } from '../service/service-state.ts';
import { installedCli, serviceSpec, type ServiceSpec } from '../service/spec.ts';
import { installWindows, statusWindows, uninstallWindows } from '../service/windows.ts';
import { parseFlags, UsageError } from './flags.ts';

/** `status` exit codes, as LSB init scripts and `systemctl status` use them. */
export const STATUS_EXIT = { running: 0, stopped: 3, notInstalled: 4 } as const;

const DEFAULT_ACCOUNT: Partial<Record<NodeJS.Platform, string>> = { linux: 'device-uploader', darwin: '_deviceuploader', win32: 'LocalService' };

interface Platform {
  install(spec: ServiceSpec, host: ServiceHost, options: InstallOptions): Promise<void>;
  uninstall(host: ServiceHost): Promise<void>;
  status(host: ServiceHost): Promise<ServiceState>;
}

const PLATFORMS: Partial<Record<NodeJS.Platform, Platform>> = {
  linux: { install: installLinux, uninstall: uninstallLinux, status: statusLinux },
  darwin: { install: installMac, uninstall: uninstallMac, status: statusMac },
  win32: { install: installWindows, uninstall: uninstallWindows, status: statusWindows },
};

export async function serviceCommand(args: string[], machine: ServiceHost = realHost()): Promise<number> {
  const [action, ...rest] = args;
  const platform = PLATFORMS[machine.platform];
  if (!platform) throw new ServiceError(`services are supported on Linux (systemd), macOS (launchd) and Windows, not ${machine.platform}`);
  const flags = parseFlags(rest, {
    config: { type: 'string' },
    user: { type: 'string' },
    account: { type: 'string' },
    node: { type: 'string' },
    winsw: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  const dryRun = !!flags['dry-run'];
  const host = dryRun ? dryRunHost(machine) : machine;
  if (action === 'status') return statusCode(await platform.status(host), host);
  if (action !== 'install' && action !== 'uninstall') throw new UsageError('say install, uninstall or status');
  if (!dryRun && !(await machine.isAdmin())) {
    throw new ServiceError(
      machine.platform === 'win32' ? 'run it from a Command Prompt opened "as administrator"' : 'run it as root (sudo device-uploader service ...)',
    );
  }
  if (action === 'uninstall') {
    await platform.uninstall(host);
    return 0;
  }
  if (!flags.config) throw new UsageError('--config FILE is required');
  // The secret may live in the service's environment instead: read the file without it, and say where it must be.
  const config = loadConfigFile(flags.config, {}, { requireSecret: false });
  const auth = config.server.auth;
  const secretInConfig = auth.type === 'user' ? !!auth.password : !!auth.secretKey;
  const node = flags.node ?? process.execPath;
  if (flags.node) await checkNode(machine, node);
  const account = flags.user ?? flags.account ?? DEFAULT_ACCOUNT[machine.platform]!;
  const spec = serviceSpec(config, { configFile: flags.config, account, node, cli: installedCli() });
  await platform.install(spec, host, { dryRun, secretInConfig, winsw: flags.winsw });
  return 0;
}

function statusCode(state: ServiceState, host: ServiceHost): number {
  host.say(state.words);
  if (!state.installed) return STATUS_EXIT.notInstalled;
  return state.running ? STATUS_EXIT.running : STATUS_EXIT.stopped;
}

/** A Node named with --node must be 24 or later, as bin/device-uploader.js requires. */
async function checkNode(host: ServiceHost, node: string): Promise<void> {
  const said = await host.query(node, ['--version']);
  const major = Number(/^v(\d+)\./.exec(said.stdout.trim())?.[1]);
  if (said.code !== 0 || !(major >= 24)) {
    throw new ServiceError(`${node} is not Node.js 24 or later (${said.code === 0 ? said.stdout.trim() : `exit ${said.code}`})`);
  }
}
