// The watcher's small pure rules: temporary names, filters, lock classification
// and backoff, network-share detection parsers, archive names.
import { describe, expect, it } from 'vitest';
import { folderFilter } from '../../app/watch/folder-scan.ts';
import { candidateName } from '../../app/watch/archive-name.ts';
import { fsTypeOf, isNetworkFsType, isUncPath, parseMacMount, parseNetUse, parseProcMounts } from '../../app/watch/network-fs.ts';
import { classifyOpenError, lockRetryDelay } from '../../app/watch/open-check.ts';
import { isTemporaryName } from '../../app/watch/temporary.ts';

describe('temporary names', () => {
  it.each([
    '.DS_Store',
    'a/.hidden',
    '~$report.docx',
    'x.tmp',
    'X.TMP',
    'scan.part',
    'scan.partial',
    'f.crdownload',
    'Thumbs.db',
    'thumbs.db',
    'desktop.ini',
    '.swp',
    'a.swp',
    'db.lock',
    'backup~',
    'sub/dir/~WRL0001.tmp',
  ])('ignores %s', (name) => expect(isTemporaryName(name)).toBe(true));

  it.each(['holter.edf', 'sub/ECG 2024.xml', 'a.lockfile.dat', 'report.docx'])('keeps %s', (name) => expect(isTemporaryName(name)).toBe(false));

  it('folderFilter applies include, exclude, temporary names and the archive folder', () => {
    const base = { path: '/in', include: ['**/*'], exclude: ['**/*.log'] };
    const f = folderFilter({ ...base, archiveDir: '/in/done' });
    expect(f('a.edf')).toBe(true);
    expect(f('x/a.edf')).toBe(true);
    expect(f('a.log')).toBe(false);
    expect(f('a.tmp')).toBe(false);
    expect(f('done/a.edf')).toBe(false);
    expect(folderFilter({ ...base, ignoreTemporary: false })('a.tmp')).toBe(true);
    expect(folderFilter({ ...base, archiveDir: '/elsewhere' })('a.edf')).toBe(true);
  });
});

describe('locked files', () => {
  it('sorts open errors', () => {
    expect(classifyOpenError('EBUSY')).toBe('locked'); // Windows sharing violation
    expect(classifyOpenError('EPERM')).toBe('locked');
    expect(classifyOpenError('EACCES')).toBe('locked');
    expect(classifyOpenError('ENOENT')).toBe('missing');
    expect(classifyOpenError('EIO')).toBe('error');
  });

  it('backs off from 1 s doubling to a minute', () => {
    expect([1, 2, 3, 4, 7, 8, 50].map(lockRetryDelay)).toEqual([1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000]);
  });
});

describe('network shares', () => {
  it('knows UNC paths', () => {
    expect(isUncPath('\\\\server\\share\\exports')).toBe(true);
    expect(isUncPath('//server/share')).toBe(true);
    expect(isUncPath('\\\\?\\C:\\x')).toBe(false); // a long local path, not a share
    expect(isUncPath('C:\\exports')).toBe(false);
  });

  it('finds the fs type of the longest mount point on Linux', () => {
    const mounts = parseProcMounts('/dev/sda1 / ext4 rw 0 0\nsrv:/exp /mnt/ecg nfs4 rw 0 0\n//srv/share /mnt/with\\040space cifs rw 0 0\n');
    expect(fsTypeOf('/home/x', mounts)).toBe('ext4');
    expect(fsTypeOf('/mnt/ecg/in', mounts)).toBe('nfs4');
    expect(fsTypeOf('/mnt/ecg2/in', mounts)).toBe('ext4');
    expect(fsTypeOf('/mnt/with space/in', mounts)).toBe('cifs');
    expect(isNetworkFsType('nfs4')).toBe(true);
    expect(isNetworkFsType('ext4')).toBe(false);
  });

  it('parses macOS mount and Windows net use', () => {
    const mac = parseMacMount('/dev/disk3s1s1 on / (apfs, sealed, local)\n//u@srv/Exports on /Volumes/Exports (smbfs, nodev, nosuid)\n');
    expect(fsTypeOf('/Volumes/Exports/a', mac)).toBe('smbfs');
    const net = parseNetUse('Status  Local  Remote  Network\n-----\nOK           Z:        \\\\srv\\ecg      Microsoft Windows Network\n');
    expect([...net]).toEqual(['Z']);
  });
});

describe('archive names', () => {
  it('adds " (n)" before the extension, keeping folders', () => {
    expect(candidateName('a/scan.dat', 1)).toBe('a/scan.dat');
    expect(candidateName('a/scan.dat', 2)).toBe('a/scan (2).dat');
    expect(candidateName('README', 3)).toBe('README (3)');
    expect(candidateName('x.y/.profile', 2)).toBe('x.y/.profile (2)');
  });
});
