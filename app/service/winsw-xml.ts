// The Windows service through WinSW 2 (github.com/winsw/winsw, MIT): its exe,
// renamed device-uploader-service.exe, reads device-uploader-service.xml
// beside it and registers a service that starts at boot (delayed, after the
// network), restarts Node when it exits with an error, and stops it with
// Ctrl+C (which `run` takes as SIGINT: uploads left resumable) before it
// would kill it. WinSW 2.12 is its last stable line; 3.x is still alpha.
import { win32 } from 'node:path';
import { escapeXml } from './xml-text.ts';
import { SERVICE_DESCRIPTION, SERVICE_NAME, SERVICE_TITLE, serviceCommand, type ServiceSpec } from './spec.ts';

/** The service accounts `--account` accepts, with their well-known SIDs (for icacls, whatever the system's language). */
export const WINDOWS_ACCOUNTS = {
  LocalService: '*S-1-5-19',
  NetworkService: '*S-1-5-20',
  LocalSystem: '*S-1-5-18',
} as const;
export type WindowsAccount = keyof typeof WINDOWS_ACCOUNTS;

/** The wrapper's base name: WinSW 2 finds its XML by its own exe name. */
export const WRAPPER_NAME = `${SERVICE_NAME}-service`;

/** The XML's text. */
export function winswXml(spec: ServiceSpec): string {
  const [node, ...args] = serviceCommand(spec);
  const account =
    spec.account === 'LocalSystem'
      ? '<serviceaccount>\n    <user>LocalSystem</user>\n  </serviceaccount>'
      : `<serviceaccount>\n    <domain>NT AUTHORITY</domain>\n    <user>${escapeXml(spec.account)}</user>\n  </serviceaccount>`;
  return [
    `<!-- Written by \`device-uploader service install\`; \`device-uploader service uninstall\` removes it. -->`,
    '<service>',
    `  <id>${SERVICE_NAME}</id>`,
    `  <name>${SERVICE_TITLE}</name>`,
    `  <description>${SERVICE_DESCRIPTION}</description>`,
    `  <executable>${escapeXml(node!)}</executable>`,
    `  <arguments>${escapeXml(args.map(windowsArgument).join(' '))}</arguments>`,
    `  <workingdirectory>${escapeXml(spec.dataDir)}</workingdirectory>`,
    '  <startmode>Automatic</startmode>',
    '  <delayedAutoStart/>',
    `  ${account}`,
    '  <onfailure action="restart" delay="10 sec"/>',
    '  <onfailure action="restart" delay="60 sec"/>',
    '  <resetfailure>1 hour</resetfailure>',
    // The engine stops within 10 s of Ctrl+C; the rest is room for the log's last lines.
    '  <stoptimeout>30 sec</stoptimeout>',
    // What `run` prints (ids and states, never names); the engine's own log is in <dataDir>\logs.
    `  <logpath>${escapeXml(win32.join(spec.dataDir, 'logs'))}</logpath>`,
    '  <log mode="roll-by-size">',
    '    <sizeThreshold>10240</sizeThreshold>',
    '    <keepFiles>5</keepFiles>',
    '  </log>',
    '</service>',
    '',
  ].join('\n');
}

/**
 * One argument as Windows programs (and Node) split a command line
 * (CommandLineToArgvW): quoted when it holds a space, a tab or a quote;
 * backslashes doubled only where they come before a quote.
 */
export function windowsArgument(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}
