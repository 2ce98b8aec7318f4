// What an operating-system service needs to know to run the engine, taken from
// the config file once at install: the exact command line (this Node, this
// checkout's CLI, `run --config FILE`), the account it runs as, and the only
// places it may write: the data folder, the archive folders, and the watched
// folders whose files are moved or deleted after upload (a move or a delete
// changes the folder itself). Everything else stays read-only to the service.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/schema.ts';

/** The service's name: the systemd unit, the Windows service id. */
export const SERVICE_NAME = 'device-uploader';
/** The launchd label (reverse-DNS, as launchd asks; the installer's appId). */
export const LAUNCHD_LABEL = 'com.biot.device-uploader';
export const SERVICE_TITLE = 'Device Uploader';
export const SERVICE_DESCRIPTION = 'uploads clinic device exports to BioT';

export interface ServiceSpec {
  /** Node 24 (absolute path): the one running `service install`, unless --node named another. */
  node: string;
  /** This installation's bin/device-uploader.js. */
  cli: string;
  /** The config file, absolute. */
  configFile: string;
  /** The account the engine runs as (Linux, macOS: a user name; Windows: a service account). */
  account: string;
  dataDir: string;
  /** Folders the service owns, created at install: the data folder and the archives. */
  owned: string[];
  /** Where the service may write: the data folder, archives, folders that move or delete their files. Sorted, unique. */
  writable: string[];
  /** Watched folders the service only reads. */
  readable: string[];
}

/** The checkout's CLI entry, found from this module's own place (app/service/ -> bin/). */
export function installedCli(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'device-uploader.js');
}

/** The service's spec for a loaded config (paths in it are already absolute). */
export function serviceSpec(config: Config, options: { configFile: string; account: string; node: string; cli: string }): ServiceSpec {
  const owned = new Set<string>([config.dataDir]);
  const writable = new Set<string>([config.dataDir]);
  const readable = new Set<string>();
  for (const folder of config.folders) {
    if (folder.archiveDir) owned.add(folder.archiveDir);
    if (folder.archiveDir) writable.add(folder.archiveDir);
    if (folder.afterUpload === 'leave') readable.add(folder.path);
    else writable.add(folder.path);
  }
  for (const path of writable) readable.delete(path);
  return {
    node: options.node,
    cli: options.cli,
    configFile: resolve(options.configFile),
    account: options.account,
    dataDir: config.dataDir,
    owned: [...owned].sort(),
    writable: [...writable].sort(),
    readable: [...readable].sort(),
  };
}

/** The command line the service runs: the same `run` a person types, so it can be tried by hand first. */
export function serviceCommand(spec: ServiceSpec): string[] {
  return [spec.node, spec.cli, 'run', '--config', spec.configFile];
}
