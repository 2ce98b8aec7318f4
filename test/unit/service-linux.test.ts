// `device-uploader service` on Linux, against a fake machine: what an install
// runs and writes, in which order, what it refuses before changing anything,
// and how status reads systemd's answer. The unit's own text is checked by
// systemd-analyze in service-files.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceCommand } from '../../app/cli/service.ts';
import { UNIT_PATH } from '../../app/service/linux.ts';
import { fakeMachine, type FakeScript } from '../support/fake-service-host.ts';

let dir: string;
let configFile: string;
const linux = (more: Partial<FakeScript> = {}) => fakeMachine({ platform: 'linux', existing: ['/run/systemd/system'], ...more });

function writeConfig(auth: Record<string, unknown> = { type: 'service', id: 'svc', secretKey: 'k' }): void {
  const config = {
    dataDir: '/var/lib/du',
    server: { baseUrl: 'https://api.example.org', auth },
    folders: [
      { path: '/srv/holter', afterUpload: 'move', archiveDir: '/srv/archive' },
      { path: '/srv/ecg', afterUpload: 'leave' },
      { path: '/srv/sleep', afterUpload: 'delete' },
    ],
  };
  writeFileSync(configFile, JSON.stringify(config));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'du-service-'));
  configFile = join(dir, 'config.json');
  writeConfig();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('service install on Linux', () => {
  it('makes the user, gives it its folders, checks it can run the command, then writes the unit and starts it', async () => {
    const m = linux({ answers: { 'getent passwd device-uploader': { code: 2 } } });
    expect(await serviceCommand(['install', '--config', configFile], m)).toBe(0);
    const runs = m.actions.filter((a) => !a.startsWith('mkdir'));
    expect(runs).toEqual([
      'run: useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin device-uploader',
      'run: chown -R device-uploader:device-uploader /srv/archive',
      'run: chown -R device-uploader:device-uploader /var/lib/du',
      'run: chmod 0750 /var/lib/du',
      `run: chown root:device-uploader ${configFile}`,
      `run: chmod 0640 ${configFile}`,
      `write: ${UNIT_PATH}`,
      'run: systemctl daemon-reload',
      'run: systemctl enable device-uploader.service',
      'run: systemctl restart device-uploader.service',
    ]);
    const unit = m.files.get(UNIT_PATH)!;
    expect(unit.mode).toBe(0o644);
    // Written: the data folder, the archive, the folders that move or delete; the folder that leaves its files is not.
    expect(unit.text.match(/^ReadWritePaths=.*$/gm)).toEqual([
      'ReadWritePaths=/var/lib/du',
      'ReadWritePaths=-/srv/archive',
      'ReadWritePaths=-/srv/holter',
      'ReadWritePaths=-/srv/sleep',
    ]);
    expect(unit.text).toContain(`ExecStart=${process.execPath} `);
    // This test's config lives under /tmp: a private /tmp would hide it from the service.
    expect(unit.text).toMatch(/^PrivateTmp=no$/m);
    expect(unit.text).toMatch(/bin\/device-uploader\.js run --config .*config\.json$/m);
    expect(m.said.join('\n')).toMatch(/must be able to change these watched folders[^]*\/srv\/holter[^]*\/srv\/sleep/);
  });

  it('keeps a user that exists, and locks an environment file that holds the secret to root', async () => {
    writeConfig({ type: 'service', id: 'svc' });
    const envFile = join(dir, 'device-uploader.env');
    const m = linux({ existing: ['/run/systemd/system', envFile] });
    expect(await serviceCommand(['install', '--config', configFile], m)).toBe(0);
    expect(m.actions.some((a) => a.includes('useradd'))).toBe(false);
    expect(m.actions).toContain(`run: chmod 0600 ${envFile}`);
    expect(m.files.get(UNIT_PATH)!.text).toContain(`EnvironmentFile=-${envFile}`);
  });

  it('refuses before changing anything: not root, no systemd, no secret anywhere, a user that cannot run the command', async () => {
    const refusals: [ReturnType<typeof linux>, RegExp][] = [
      [linux({ admin: false }), /run it as root/],
      [linux({ existing: [] }), /systemd is not running/],
      [linux({ answers: { 'runuser -u device-uploader -- test': { code: 1 } } }), /cannot read .*config\.json/],
      [linux({ answers: { [`runuser -u device-uploader -- ${process.execPath}`]: { code: 126 } } }), /cannot run .*node.*\/opt\/device-uploader/],
    ];
    for (const [m, why] of refusals) {
      await expect(serviceCommand(['install', '--config', configFile], m)).rejects.toThrow(why);
      expect(m.files.size, String(why)).toBe(0);
      expect(m.actions.filter((a) => a.startsWith('run: systemctl'))).toEqual([]);
    }
    writeConfig({ type: 'user', username: 'u' });
    const m = linux();
    await expect(serviceCommand(['install', '--config', configFile], m)).rejects.toThrow(/no secret .*DEVICE_UPLOADER_PASSWORD/);
    expect(m.actions).toEqual([]);
  });

  it('--dry-run says the unit and the commands and changes nothing, without root', async () => {
    const m = linux({ admin: false });
    expect(await serviceCommand(['install', '--config', configFile, '--dry-run'], m)).toBe(0);
    expect(m.actions).toEqual([]);
    expect(m.said.join('\n')).toMatch(
      /would write \/etc\/systemd\/system\/device-uploader\.service[^]*ProtectSystem=strict[^]*would run: systemctl restart/,
    );
  });

  it('a --node older than 24 is refused', async () => {
    const m = linux({ answers: { '/usr/bin/node --version': { stdout: 'v20.19.0\n' } } });
    await expect(serviceCommand(['install', '--config', configFile, '--node', '/usr/bin/node'], m)).rejects.toThrow(/not Node\.js 24 or later \(v20/);
  });
});

describe('service uninstall and status on Linux', () => {
  it('uninstall stops and removes the unit, keeps the data; twice is harmless', async () => {
    const m = linux({ existing: ['/run/systemd/system', UNIT_PATH] });
    expect(await serviceCommand(['uninstall'], m)).toBe(0);
    expect(m.actions).toEqual(['run: systemctl disable --now device-uploader.service', `remove: ${UNIT_PATH}`, 'run: systemctl daemon-reload']);
    expect(m.said.join('\n')).toMatch(/Kept: the config, the data folder/);
    expect(await serviceCommand(['uninstall'], m)).toBe(0);
    expect(m.said.at(-1)).toMatch(/is not installed/);
  });

  it('status answers 0 running, 3 stopped, 4 not installed, with the words systemd gave', async () => {
    const show = 'systemctl show device-uploader.service';
    const running = linux({
      answers: { [show]: { stdout: 'LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=4242\nNRestarts=1\nExecMainStatus=0\n' } },
    });
    expect(await serviceCommand(['status'], running)).toBe(0);
    expect(running.said[0]).toMatch(/active \(running\), pid 4242, restarted 1 time/);
    const failed = linux({
      answers: { [show]: { stdout: 'LoadState=loaded\nActiveState=failed\nSubState=failed\nMainPID=0\nNRestarts=5\nExecMainStatus=2\n' } },
    });
    expect(await serviceCommand(['status'], failed)).toBe(3);
    expect(failed.said[0]).toMatch(/failed \(failed\), last exit status 2/);
    const absent = linux({ answers: { [show]: { stdout: 'LoadState=not-found\nActiveState=inactive\n' } } });
    expect(await serviceCommand(['status'], absent)).toBe(4);
  });
});
