// `service install | uninstall | status` on macOS, through launchd. The
// account must exist already (macOS makes service accounts with dscl or
// sysadminctl, which IT scripts per site); the install gives it its folders,
// writes the daemon's plist and bootstraps it into the system domain.
import { LAUNCHD_LABEL, type ServiceSpec } from './spec.ts';
import { must, ServiceError, type ServiceHost } from './host.ts';
import { LAUNCHD_PLIST, launchdPlist } from './launchd-plist.ts';
import type { InstallOptions, ServiceState } from './service-state.ts';

const TARGET = `system/${LAUNCHD_LABEL}`;
/** launchctl's exit code for a label it does not know. */
const NOT_FOUND = 113;

export async function installMac(spec: ServiceSpec, host: ServiceHost, options: InstallOptions): Promise<void> {
  if (!options.secretInConfig) {
    throw new ServiceError(
      `the config has no secret (server.auth.secretKey or password): a launchd daemon has no private environment file, so put it in ${spec.configFile} (readable only by root and ${spec.account})`,
    );
  }
  const user = spec.account;
  const group = await host.query('id', ['-gn', user]);
  if (group.code !== 0) {
    throw new ServiceError(
      `there is no user ${user} on this Mac: create a service account for it first (e.g. with sysadminctl or dscl), or name an existing one with --user`,
    );
  }
  const groupName = group.stdout.trim();
  for (const dir of [...spec.owned, `${spec.dataDir}/logs`]) {
    host.mkdir(dir);
    await must(host, 'chown', ['-R', `${user}:${groupName}`, dir]);
  }
  await must(host, 'chmod', ['0750', spec.dataDir]);
  await must(host, 'chown', [`root:${groupName}`, spec.configFile]);
  await must(host, 'chmod', ['0640', spec.configFile]);
  // A reinstall replaces the loaded daemon: launchd keeps the old definition until it is booted out.
  if ((await host.query('launchctl', ['print', TARGET])).code === 0) await must(host, 'launchctl', ['bootout', TARGET]);
  host.writeFile(LAUNCHD_PLIST, launchdPlist(spec), 0o644);
  await must(host, 'chown', ['root:wheel', LAUNCHD_PLIST]);
  await must(host, 'launchctl', ['bootstrap', 'system', LAUNCHD_PLIST]);
  host.say(`Installed ${LAUNCHD_PLIST}: runs as ${user}, starts at boot, restarts when it fails.`);
  const shared = spec.writable.filter((p) => !spec.owned.includes(p));
  if (shared.length > 0) host.say(`${user} must be able to change these watched folders (files moved or deleted after upload): ${shared.join(', ')}`);
  if (spec.readable.length > 0) host.say(`${user} must be able to read: ${spec.readable.join(', ')}`);
  host.say(`Check it: device-uploader service status; its output: ${spec.dataDir}/logs/service.log; its log: ${spec.dataDir}/logs`);
}

export async function uninstallMac(host: ServiceHost): Promise<void> {
  if (!host.exists(LAUNCHD_PLIST)) {
    host.say(`${LAUNCHD_LABEL} is not installed (no ${LAUNCHD_PLIST}).`);
    return;
  }
  if ((await host.query('launchctl', ['print', TARGET])).code === 0) await must(host, 'launchctl', ['bootout', TARGET]);
  host.remove(LAUNCHD_PLIST);
  host.say(`Removed ${LAUNCHD_LABEL}. Kept: the config, the data folder (queue and logs) and the user.`);
}

export async function statusMac(host: ServiceHost): Promise<ServiceState> {
  const printed = await host.query('launchctl', ['print', TARGET]);
  if (printed.code === NOT_FOUND || (printed.code !== 0 && !host.exists(LAUNCHD_PLIST))) {
    return { installed: false, running: false, words: `${LAUNCHD_LABEL} is not installed` };
  }
  if (printed.code !== 0) throw new ServiceError(`launchctl print ${TARGET} failed (exit ${printed.code}): ${printed.stderr.trim()}`);
  const field = (name: string) => new RegExp(`^\\s*${name} = (.+)$`, 'm').exec(printed.stdout)?.[1]?.trim();
  const state = field('state') ?? 'unknown';
  const running = state === 'running';
  const words =
    `${LAUNCHD_LABEL}: ${state}` +
    (running ? `, pid ${field('pid') ?? '?'}` : `, last exit code ${field('last exit code') ?? '?'}`) +
    `, started ${field('runs') ?? '?'} time(s) by launchd`;
  return { installed: true, running, words };
}
