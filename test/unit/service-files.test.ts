// The files `service install` writes, checked by the tools that read them:
// the systemd unit by `systemd-analyze verify` (Debian's systemd; no warning
// allowed), the launchd plist by a plist parser and launchd's key types (and
// `plutil -lint` on a Mac), WinSW's XML by an XML parser and WinSW 2's
// documented elements. Paths with spaces, quotes and % go through each.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import plist from 'plist';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../app/config/load.ts';
import { launchdPlist } from '../../app/service/launchd-plist.ts';
import { installedCli, serviceSpec, type ServiceSpec } from '../../app/service/spec.ts';
import { systemdUnit } from '../../app/service/systemd-unit.ts';
import { windowsArgument, winswXml } from '../../app/service/winsw-xml.ts';

const dir = mkdtempSync(join(tmpdir(), 'du-service-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const awkward = '/srv/Holter "ward" 100% $HOME';
const config = parseConfig(
  {
    dataDir: '/var/lib/device uploader',
    server: { baseUrl: 'https://api.example.org', auth: { type: 'service', id: 's', secretKey: 'k' } },
    folders: [
      { path: awkward, afterUpload: 'move', archiveDir: '/srv/archive & co' },
      { path: '/srv/ecg', afterUpload: 'leave' },
    ],
  },
  { baseDir: '/' },
);
const spec: ServiceSpec = serviceSpec(config, {
  configFile: '/etc/device-uploader/config.json',
  account: 'device-uploader',
  node: process.execPath,
  cli: installedCli(),
});

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
describe.skipIf(!hasSystemdAnalyze && !process.env.CI)('the systemd unit', () => {
  it('passes systemd-analyze verify with nothing to say, and its ExecStart and paths read back as written', () => {
    const file = join(dir, 'device-uploader.service');
    writeFileSync(file, systemdUnit(spec));
    const verify = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    const unit = systemdUnit(spec);
    expect(unit).toContain(`ReadWritePaths="-/srv/Holter \\"ward\\" 100%% $HOME"`);
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
    expect(unit).toMatch(/^NoNewPrivileges=yes$/m);
    // A checkout under /tmp (a CI clone) must keep /tmp visible to the service: PrivateTmp=no then.
    const runsFromTmp = [spec.node, spec.cli].some((p) => /^\/(var\/)?tmp(\/|$)/.test(p));
    expect(unit).toMatch(runsFromTmp ? /^PrivateTmp=no$/m : /^PrivateTmp=yes$/m);
    expect(systemdUnit({ ...spec, node: '/usr/bin/node', cli: '/opt/device-uploader/bin/device-uploader.js' })).toMatch(/^PrivateTmp=yes$/m);
    expect(systemdUnit({ ...spec, node: '/usr/bin/node', cli: '/tmp/device-uploader/bin/device-uploader.js' })).toMatch(/^PrivateTmp=no$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^User=device-uploader$/m);
    // The folder that only leaves its files is not writable.
    expect(unit).not.toContain('/srv/ecg');
  });
});

describe('the launchd plist', () => {
  const text = launchdPlist(spec);
  it('is a property list of launchd keys of the right types, and the command line comes back whole', () => {
    const parsed = plist.parse(text) as Record<string, unknown>;
    const types: Record<string, string> = {
      Label: 'string',
      ProgramArguments: 'array',
      UserName: 'string',
      WorkingDirectory: 'string',
      RunAtLoad: 'boolean',
      KeepAlive: 'object',
      ThrottleInterval: 'number',
      ExitTimeOut: 'number',
      Umask: 'number',
      StandardOutPath: 'string',
      StandardErrorPath: 'string',
    };
    expect(Object.keys(parsed).sort()).toEqual(Object.keys(types).sort());
    for (const [key, type] of Object.entries(types)) expect(Array.isArray(parsed[key]) ? 'array' : typeof parsed[key], key).toBe(type);
    expect(parsed.ProgramArguments).toEqual([process.execPath, installedCli(), 'run', '--config', '/etc/device-uploader/config.json']);
    expect(parsed.KeepAlive).toEqual({ SuccessfulExit: false });
    expect(parsed.Label).toBe('com.biot.device-uploader');
  });

  const hasPlutil = spawnSync('plutil', ['-help']).error === undefined;
  it.skipIf(!hasPlutil)('passes plutil -lint (macOS only: plutil is not on Linux)', () => {
    const file = join(dir, 'com.biot.device-uploader.plist');
    writeFileSync(file, text);
    expect(execFileSync('plutil', ['-lint', file], { encoding: 'utf8' })).toMatch(/OK/);
  });
});

describe("WinSW 2's XML", () => {
  it('is well-formed, uses only WinSW 2 elements, and its arguments split back as Node will see them', () => {
    const errors: string[] = [];
    const doc = new DOMParser({ errorHandler: { error: (e: string) => errors.push(e), fatalError: (e: string) => errors.push(e) } }).parseFromString(
      winswXml({ ...spec, account: 'LocalService' }),
      'text/xml',
    );
    expect(errors).toEqual([]);
    const root = doc.documentElement!;
    expect(root.tagName).toBe('service');
    const known = ['id', 'name', 'description', 'executable', 'arguments', 'workingdirectory', 'startmode', 'delayedAutoStart', 'serviceaccount'];
    known.push('onfailure', 'resetfailure', 'stoptimeout', 'logpath', 'log');
    const children = Array.from({ length: root.childNodes.length }, (_, i) => root.childNodes[i]!).filter((n) => n.nodeType === 1);
    for (const child of children) expect(known).toContain((child as Element).tagName);
    const text = (tag: string) => root.getElementsByTagName(tag)[0]?.textContent;
    expect(text('id')).toBe('device-uploader');
    expect(text('executable')).toBe(process.execPath);
    expect(text('user')).toBe('LocalService');
    expect(splitWindowsArguments(text('arguments')!)).toEqual([installedCli(), 'run', '--config', '/etc/device-uploader/config.json']);
  });

  it('quotes arguments the way CommandLineToArgvW splits them', () => {
    const cases = ['C:\\Program Files\\x', 'plain', 'say "hi"', 'C:\\dir with space\\', ''];
    expect(splitWindowsArguments(cases.map(windowsArgument).join(' '))).toEqual(cases);
  });
});

/** CommandLineToArgvW's rules (backslashes count only before a quote), for the check above. */
function splitWindowsArguments(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      let n = 0;
      while (line[i + n] === '\\') n++;
      const beforeQuote = line[i + n] === '"';
      current += '\\'.repeat(beforeQuote ? Math.floor(n / 2) : n);
      if (beforeQuote && n % 2 === 1) {
        current += '"';
        i += n; // the backslashes and the escaped quote
      } else i += n - 1; // a quote after an even run is read next, as a quote
      started = true;
    } else if (c === '"') {
      quoted = !quoted;
      started = true;
    } else if (/\s/.test(c) && !quoted) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}
