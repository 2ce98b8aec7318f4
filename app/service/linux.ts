// `service install | uninstall | status` on Linux, through systemd. The
// install makes the service's own system user, gives it its folders, checks
// that this user can really run the command and read the config, then writes
// the unit and starts it. Nothing of the clinic's data is removed by uninstall.
import { SERVICE_NAME, serviceCommand, type ServiceSpec } from './spec.ts';
import { must, ServiceError, type ServiceHost } from './host.ts';
import { environmentFile, systemdUnit } from './systemd-unit.ts';
import type { InstallOptions, ServiceState } from './service-state.ts';

export const UNIT_PATH = `/etc/systemd/system/${SERVICE_NAME}.service`;
const UNIT = `${SERVICE_NAME}.service`;

export async function installLinux(spec: ServiceSpec, host: ServiceHost, options: InstallOptions): Promise<void> {
  if (!host.exists('/run/systemd/system')) {
    const why = 'systemd is not running on this machine (no /run/systemd/system), so there is nothing to install the service into';
    if (!options.dryRun) throw new ServiceError(why);
    host.say(`note: ${why}`);
  }
  const envFile = environmentFile(spec.configFile);
  if (!options.secretInConfig && !host.exists(envFile)) {
    throw new ServiceError(
      `the config has no secret (server.auth.secretKey or password) and ${envFile} does not exist: ` +
        `put it in the config, or DEVICE_UPLOADER_SECRET_KEY=... (or DEVICE_UPLOADER_PASSWORD=...) in ${envFile}`,
    );
  }
  const user = spec.account;
  const known = (await host.query('getent', ['passwd', user])).code === 0;
  if (!known) {
    await must(host, 'useradd', ['--system', '--user-group', '--home-dir', '/nonexistent', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
  }
  for (const dir of spec.owned) {
    host.mkdir(dir);
    // -R: a data folder tried by hand first (as root) must become the service's, queue.db included.
    await must(host, 'chown', ['-R', `${user}:${user}`, dir]);
  }
  await must(host, 'chmod', ['0750', spec.dataDir]);
  // The config may hold the secret: root writes it, the service's group reads it, nobody else.
  await must(host, 'chown', [`root:${user}`, spec.configFile]);
  await must(host, 'chmod', ['0640', spec.configFile]);
  if (host.exists(envFile)) {
    // systemd reads it as root before the service starts: the service itself never needs to.
    await must(host, 'chown', ['root:root', envFile]);
    await must(host, 'chmod', ['0600', envFile]);
  }
  if (options.dryRun && !known) host.say(`note: the checks that ${user} can run Node and read the config run once the user exists`);
  else await checkAs(host, spec);
  host.writeFile(UNIT_PATH, systemdUnit(spec), 0o644);
  await must(host, 'systemctl', ['daemon-reload']);
  await must(host, 'systemctl', ['enable', UNIT]);
  // restart, not start: a reinstall over a running service must run the new unit.
  await must(host, 'systemctl', ['restart', UNIT]);
  host.say(`Installed ${UNIT_PATH}: runs as ${user}, starts at boot, restarts on failure.`);
  const shared = spec.writable.filter((p) => !spec.owned.includes(p));
  if (shared.length > 0) {
    host.say(`${user} must be able to change these watched folders (their files are moved or deleted after upload):`);
    for (const p of shared) host.say(`  ${p}`);
  }
  if (spec.readable.length > 0) host.say(`${user} must be able to read: ${spec.readable.join(', ')}`);
  host.say(`Check it: device-uploader service status; its output: journalctl -u ${SERVICE_NAME}; its log: ${spec.dataDir}/logs`);
}

/** The service user can start the exact command line and read the config (a checkout under /root, say, it cannot). */
async function checkAs(host: ServiceHost, spec: ServiceSpec): Promise<void> {
  const [node, cli] = serviceCommand(spec);
  const version = await host.query('runuser', ['-u', spec.account, '--', node!, cli!, '--version']);
  if (version.code !== 0) {
    throw new ServiceError(
      `the user ${spec.account} cannot run ${node} ${cli} (exit ${version.code}): ` +
        'put Node 24 and Device Uploader where every user can read them (e.g. /usr/local/bin/node and /opt/device-uploader)',
    );
  }
  const config = await host.query('runuser', ['-u', spec.account, '--', 'test', '-r', spec.configFile]);
  if (config.code !== 0) {
    throw new ServiceError(`the user ${spec.account} cannot read ${spec.configFile}: its folders must be open to it (e.g. /etc/device-uploader)`);
  }
}

export async function uninstallLinux(host: ServiceHost): Promise<void> {
  if (!host.exists(UNIT_PATH)) {
    host.say(`${UNIT} is not installed (no ${UNIT_PATH}).`);
    return;
  }
  await must(host, 'systemctl', ['disable', '--now', UNIT]);
  host.remove(UNIT_PATH);
  await must(host, 'systemctl', ['daemon-reload']);
  host.say(`Removed ${UNIT}. Kept: the config, the data folder (queue and logs) and the user; \`userdel\` removes the user.`);
}

export async function statusLinux(host: ServiceHost): Promise<ServiceState> {
  const shown = await host.query('systemctl', ['show', UNIT, '--property=LoadState,ActiveState,SubState,MainPID,NRestarts,ExecMainStatus']);
  if (shown.code !== 0) throw new ServiceError(`systemctl show failed (exit ${shown.code}): ${shown.stderr.trim() || 'is systemd running?'}`);
  const p = Object.fromEntries(shown.stdout.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  if (p.LoadState === 'not-found') return { installed: false, running: false, words: `${UNIT} is not installed` };
  const running = p.ActiveState === 'active';
  const words =
    `${UNIT}: ${p.ActiveState} (${p.SubState})` +
    (running ? `, pid ${p.MainPID}` : `, last exit status ${p.ExecMainStatus}`) +
    `, restarted ${p.NRestarts ?? 0} time(s) by systemd; output: journalctl -u ${SERVICE_NAME}`;
  return { installed: true, running, words };
}
