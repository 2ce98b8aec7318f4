// The systemd unit for Linux servers: started at boot once the network is up,
// restarted on failure (not after a config error, which a restart cannot fix),
// run by its own unprivileged user in a sandbox where the whole system is
// read-only except the data folder, the archives and the folders whose files
// are moved or deleted. Checked with `systemd-analyze verify` in the tests.
import { SERVICE_DESCRIPTION, SERVICE_TITLE, serviceCommand, type ServiceSpec } from './spec.ts';

/** Exit code of `run` for a config it refuses (app/cli/index.ts): restarting would only repeat it. */
const CONFIG_ERROR_EXIT = 2;

/** The file systemd reads the service's environment from (the secret key may live there, readable by root only). */
export function environmentFile(configFile: string): string {
  return `${configFile.replace(/[^/]*$/, '')}device-uploader.env`;
}

/** The unit file's text. */
export function systemdUnit(spec: ServiceSpec): string {
  const everyPath = [spec.dataDir, ...spec.writable, ...spec.readable, spec.configFile, spec.cli, spec.node];
  // ProtectHome=yes hides /home entirely; a path the service needs there keeps it visible, read-only.
  const underHome = everyPath.some((p) => /^\/(home|root|run\/user)(\/|$)/.test(p));
  // A private /tmp would hide folders that live in the real one.
  const underTmp = everyPath.some((p) => /^\/(var\/)?tmp(\/|$)/.test(p));
  const lines = [
    '# Written by `device-uploader service install`; `device-uploader service uninstall` removes it.',
    '[Unit]',
    `Description=${SERVICE_TITLE}: ${SERVICE_DESCRIPTION}`,
    'Wants=network-online.target',
    'After=network-online.target',
    `RequiresMountsFor=${word(spec.dataDir)}`,
    '',
    '[Service]',
    'Type=simple',
    `User=${word(spec.account)}`,
    `Group=${word(spec.account)}`,
    `ExecStart=${serviceCommand(spec).map(execWord).join(' ')}`,
    `WorkingDirectory=${wholeLine(spec.dataDir)}`,
    `EnvironmentFile=-${wholeLine(environmentFile(spec.configFile))}`,
    'Restart=on-failure',
    'RestartSec=10s',
    `RestartPreventExitStatus=${CONFIG_ERROR_EXIT}`,
    // run exits 130/143 after SIGINT/SIGTERM, once uploads are left resumable: a clean stop.
    'SuccessExitStatus=130 143',
    // The engine stops within 10 s; the rest is room for the log's last lines.
    'TimeoutStopSec=30s',
    'UMask=0077',
    '',
    '# Hardening: nothing but the folders below may be written.',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    `ProtectHome=${underHome ? 'read-only' : 'yes'}`,
    `ReadWritePaths=${word(spec.dataDir)}`,
    // A share that is not mounted yet must not keep the service from starting ("-").
    ...spec.writable.filter((p) => p !== spec.dataDir).map((p) => `ReadWritePaths=${word(`-${p}`)}`),
    `PrivateTmp=${underTmp ? 'no' : 'yes'}`,
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictSUIDSGID=yes',
    'RestrictRealtime=yes',
    'RestrictNamespaces=yes',
    'LockPersonality=yes',
    'CapabilityBoundingSet=',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    'SystemCallArchitectures=native',
    'SystemCallFilter=@system-service',
    // No MemoryDenyWriteExecute: V8 compiles JavaScript to machine code at run time.
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return lines.join('\n');
}

/** A path or name as one systemd word: `%` doubled (specifiers), quoted when it holds spaces or quotes. */
function word(text: string): string {
  const escaped = text.replaceAll('%', '%%');
  return /[\s"'\\]/.test(escaped) ? `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : escaped;
}

/** A setting that takes the rest of its line as one path (no quoting there): only specifiers escaped. */
function wholeLine(text: string): string {
  return text.replaceAll('%', '%%');
}

/** A word of ExecStart, where `$` also expands variables. */
function execWord(text: string): string {
  return word(text.replaceAll('$', '$$$$'));
}
