// `device-uploader service` on macOS (launchd) and Windows (WinSW), against a
// fake machine: neither OS is available here, so their logic is proven this
// way and their files by service-files.test.ts; nothing here ran on a Mac or a
// Windows PC (see docs/SERVICE.md).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceCommand } from '../../app/cli/service.ts';
import { LAUNCHD_PLIST } from '../../app/service/launchd-plist.ts';
import { fakeMachine } from '../support/fake-service-host.ts';

let dir: string;
let configFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-service-'));
  configFile = join(dir, 'config.json');
  const folders = [{ path: '/Exports/Holter', afterUpload: 'move', archiveDir: '/Exports/Uploaded' }];
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: '/data/du',
      server: { baseUrl: 'https://api.example.org', auth: { type: 'service', id: 's', secretKey: 'k' } },
      folders,
    }),
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('service on macOS', () => {
  const mac = (answers: Record<string, object> = {}, existing: string[] = []) =>
    fakeMachine({
      platform: 'darwin',
      answers: { 'id -gn _deviceuploader': { stdout: '_deviceuploader\n' }, 'launchctl print': { code: 113 }, ...answers },
      existing,
    });

  it('install gives the account its folders, writes the daemon and bootstraps it', async () => {
    const m = mac();
    expect(await serviceCommand(['install', '--config', configFile], m)).toBe(0);
    expect(m.actions.filter((a) => a.startsWith('run: launchctl') || a.startsWith('write'))).toEqual([
      `write: ${LAUNCHD_PLIST}`,
      `run: launchctl bootstrap system ${LAUNCHD_PLIST}`,
    ]);
    expect(m.actions).toContain('run: chown -R _deviceuploader:_deviceuploader /Exports/Uploaded');
    expect(m.actions).toContain(`run: chmod 0640 ${configFile}`);
    expect(m.files.get(LAUNCHD_PLIST)!.text).toContain('<string>_deviceuploader</string>');
  });

  it('a reinstall boots the loaded daemon out first; an unknown account is refused before any change', async () => {
    const loaded = mac({ 'launchctl print': { code: 0, stdout: 'state = running\n' } });
    await serviceCommand(['install', '--config', configFile], loaded);
    const launchctl = loaded.actions.filter((a) => a.startsWith('run: launchctl'));
    expect(launchctl).toEqual(['run: launchctl bootout system/com.biot.device-uploader', `run: launchctl bootstrap system ${LAUNCHD_PLIST}`]);
    const nobody = mac({ 'id -gn clinic': { code: 1 } });
    await expect(serviceCommand(['install', '--config', configFile, '--user', 'clinic'], nobody)).rejects.toThrow(/no user clinic on this Mac/);
    expect(nobody.actions).toEqual([]);
  });

  it('status reads launchctl print: running with its pid, or not installed', async () => {
    const running = mac({
      'launchctl print': { code: 0, stdout: 'system/com.biot.device-uploader = {\n\tstate = running\n\truns = 2\n\tpid = 812\n}\n' },
    });
    expect(await serviceCommand(['status'], running)).toBe(0);
    expect(running.said[0]).toMatch(/running, pid 812, started 2 time/);
    expect(await serviceCommand(['status'], mac())).toBe(4);
    const stopped = mac({ 'launchctl print': { code: 0, stdout: '\tstate = not running\n\tlast exit code = 1\n' } });
    expect(await serviceCommand(['status'], stopped)).toBe(3);
  });
});

describe('service on Windows (WinSW 2)', () => {
  const env = { ProgramData: 'C:\\ProgramData' };
  const wrapper = 'C:\\ProgramData\\Device Uploader\\service\\device-uploader-service.exe';
  const win = (status = 'NonExistent', existing: string[] = []) =>
    fakeMachine({ platform: 'win32', env, existing, answers: { [`${wrapper} status`]: { stdout: `${status}\n` } } });

  it('install without a wrapper names where WinSW comes from, and changes nothing', async () => {
    const m = win();
    await expect(serviceCommand(['install', '--config', configFile], m)).rejects.toThrow(
      /WinSW-x64\.exe 2\.12\.0 from https:\/\/github\.com\/winsw\/winsw\/releases/,
    );
    expect(m.actions).toEqual([]);
  });

  it('install copies the wrapper, writes its XML, gives LocalService its folders, locks the config, then installs and starts', async () => {
    const m = win();
    expect(await serviceCommand(['install', '--config', configFile, '--winsw', 'D:\\tools\\WinSW-x64.exe'], m)).toBe(0);
    expect(m.actions.filter((a) => !a.startsWith('mkdir'))).toEqual([
      `copy: D:\\tools\\WinSW-x64.exe -> ${wrapper}`,
      'write: C:\\ProgramData\\Device Uploader\\service\\device-uploader-service.xml',
      'run: icacls /Exports/Uploaded /grant *S-1-5-19:(OI)(CI)M',
      'run: icacls /data/du /grant *S-1-5-19:(OI)(CI)M',
      `run: icacls ${configFile} /inheritance:r /grant:r *S-1-5-32-544:F *S-1-5-18:F *S-1-5-19:R`,
      `run: ${wrapper} install`,
      `run: ${wrapper} start`,
    ]);
  });

  it('a reinstall stops and removes the old service first; an account it does not know is refused', async () => {
    const m = win('Started', [wrapper]);
    await serviceCommand(['install', '--config', configFile], m);
    expect(m.actions.slice(1, 3)).toEqual([`run: ${wrapper} stop`, `run: ${wrapper} uninstall`]);
    await expect(serviceCommand(['install', '--config', configFile, '--account', 'Guest'], win('Stopped', [wrapper]))).rejects.toThrow(
      /--account must be one of LocalService/,
    );
  });

  it('status and uninstall follow what the wrapper says', async () => {
    expect(await serviceCommand(['status'], win('Started', [wrapper]))).toBe(0);
    expect(await serviceCommand(['status'], win('Stopped', [wrapper]))).toBe(3);
    expect(await serviceCommand(['status'], win())).toBe(4);
    const m = win('Stopped', [wrapper]);
    expect(await serviceCommand(['uninstall'], m)).toBe(0);
    expect(m.actions).toEqual([
      `run: ${wrapper} stop`,
      `run: ${wrapper} uninstall`,
      'remove: C:\\ProgramData\\Device Uploader\\service\\device-uploader-service.xml',
      `remove: ${wrapper}`,
    ]);
  });
});
