// The launchd daemon for macOS: /Library/LaunchDaemons, so it starts at boot
// with nobody logged in, runs as its own user, and is started again when it
// exits with an error (KeepAlive.SuccessfulExit false), at most every 10 s.
// launchd has no per-path sandbox like systemd's; the account's own file
// permissions are what keep it to its folders.
import { escapeXml } from './xml-text.ts';
import { LAUNCHD_LABEL, serviceCommand, type ServiceSpec } from './spec.ts';

/** Where the plist goes. */
export const LAUNCHD_PLIST = `/Library/LaunchDaemons/${LAUNCHD_LABEL}.plist`;

/** The plist's XML text. */
export function launchdPlist(spec: ServiceSpec): string {
  const log = `${spec.dataDir}/logs/service.log`;
  const body = [
    key('Label', string(LAUNCHD_LABEL)),
    key(
      'ProgramArguments',
      `<array>\n${serviceCommand(spec)
        .map((a) => `      ${string(a)}`)
        .join('\n')}\n    </array>`,
    ),
    key('UserName', string(spec.account)),
    key('WorkingDirectory', string(spec.dataDir)),
    key('RunAtLoad', '<true/>'),
    key('KeepAlive', `<dict>\n      <key>SuccessfulExit</key>\n      <false/>\n    </dict>`),
    key('ThrottleInterval', '<integer>10</integer>'),
    // The engine stops within 10 s of SIGTERM; the rest is room for the log's last lines.
    key('ExitTimeOut', '<integer>30</integer>'),
    key('Umask', '<integer>63</integer>'),
    // What `run` prints (ids and states, never names); the engine's own log is in <dataDir>/logs.
    key('StandardOutPath', string(log)),
    key('StandardErrorPath', string(log)),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '  <dict>',
    ...body,
    '  </dict>',
    '</plist>',
    '',
  ].join('\n');
}

function key(name: string, value: string): string {
  return `    <key>${name}</key>\n    ${value}`;
}

function string(text: string): string {
  return `<string>${escapeXml(text)}</string>`;
}
