// `service install | uninstall | status` on Windows, through WinSW 2. The
// wrapper exe is not shipped in this repository: IT downloads WinSW-x64.exe
// 2.12.0 from github.com/winsw/winsw/releases once (or takes it from its own
// software store) and names it with --winsw; the install copies it beside its
// XML, gives the service account its folders and locks the config down.
import { win32 } from 'node:path';
import { type ServiceSpec } from './spec.ts';
import { must, ServiceError, type ServiceHost } from './host.ts';
import type { InstallOptions, ServiceState } from './service-state.ts';
import { WINDOWS_ACCOUNTS, winswXml, WRAPPER_NAME, type WindowsAccount } from './winsw-xml.ts';

/** Where the wrapper and its XML live. */
export function serviceFolder(env: NodeJS.ProcessEnv): string {
  return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Device Uploader', 'service');
}

const wrapperOf = (env: NodeJS.ProcessEnv) => win32.join(serviceFolder(env), `${WRAPPER_NAME}.exe`);
const xmlOf = (env: NodeJS.ProcessEnv) => win32.join(serviceFolder(env), `${WRAPPER_NAME}.xml`);
/** BUILTIN\Administrators: they keep full control of the config. */
const ADMINISTRATORS = '*S-1-5-32-544';

export async function installWindows(spec: ServiceSpec, host: ServiceHost, options: InstallOptions): Promise<void> {
  const sid = WINDOWS_ACCOUNTS[spec.account as WindowsAccount];
  if (!sid)
    throw new ServiceError(
      `--account must be one of ${Object.keys(WINDOWS_ACCOUNTS).join(', ')} (a domain account is set afterwards in services.msc)`,
    );
  if (!options.secretInConfig) {
    throw new ServiceError(
      `the config has no secret (server.auth.secretKey or password): put it in ${spec.configFile}, which the install makes readable only by administrators and the service`,
    );
  }
  const wrapper = wrapperOf(host.env);
  if (!options.winsw && !host.exists(wrapper)) {
    throw new ServiceError(
      'the service wrapper is missing: download WinSW-x64.exe 2.12.0 from https://github.com/winsw/winsw/releases/tag/v2.12.0 and name it with --winsw PATH',
    );
  }
  host.mkdir(serviceFolder(host.env));
  // A reinstall: the old service stops and goes before the new XML is read.
  if (host.exists(wrapper) && (await wrapperStatus(host)) !== 'NonExistent') {
    await host.run(wrapper, ['stop']);
    await must(host, wrapper, ['uninstall']);
  }
  if (options.winsw) host.copyFile(options.winsw, wrapper);
  host.writeFile(xmlOf(host.env), winswXml(spec), 0o644);
  for (const dir of spec.owned) {
    host.mkdir(dir);
    await must(host, 'icacls', [dir, '/grant', `${sid}:(OI)(CI)M`]);
  }
  // The config may hold the secret: administrators and SYSTEM manage it, the service reads it, other users see nothing.
  await must(host, 'icacls', [spec.configFile, '/inheritance:r', '/grant:r', `${ADMINISTRATORS}:F`, `${WINDOWS_ACCOUNTS.LocalSystem}:F`, `${sid}:R`]);
  await must(host, wrapper, ['install']);
  await must(host, wrapper, ['start']);
  host.say(`Installed the service "device-uploader" (${spec.account}): starts at boot (delayed), restarts on failure.`);
  const shared = spec.writable.filter((p) => !spec.owned.includes(p));
  if (shared.length > 0)
    host.say(`${spec.account} must be able to change these watched folders (files moved or deleted after upload): ${shared.join(', ')}`);
  host.say(`Check it: device-uploader service status; its output: ${win32.join(spec.dataDir, 'logs')}`);
}

export async function uninstallWindows(host: ServiceHost): Promise<void> {
  const wrapper = wrapperOf(host.env);
  if (!host.exists(wrapper) || (await wrapperStatus(host)) === 'NonExistent') {
    host.say('The service "device-uploader" is not installed.');
    return;
  }
  await host.run(wrapper, ['stop']);
  await must(host, wrapper, ['uninstall']);
  host.remove(xmlOf(host.env));
  host.remove(wrapper);
  host.say('Removed the service "device-uploader". Kept: the config and the data folder (queue and logs).');
}

export async function statusWindows(host: ServiceHost): Promise<ServiceState> {
  if (!host.exists(wrapperOf(host.env))) return { installed: false, running: false, words: 'the service "device-uploader" is not installed' };
  const state = await wrapperStatus(host);
  if (state === 'NonExistent') return { installed: false, running: false, words: 'the service "device-uploader" is not installed' };
  return { installed: true, running: state === 'Started', words: `the service "device-uploader": ${state}; output in the data folder's logs` };
}

/** WinSW 2's `status`: Started, Stopped or NonExistent. */
async function wrapperStatus(host: ServiceHost): Promise<string> {
  const said = await host.query(wrapperOf(host.env), ['status']);
  return said.stdout.trim().split(/\s+/).at(-1) || 'unknown';
}
