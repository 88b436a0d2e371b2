import { describe, expect, it } from 'vitest';
import { privilegedFileLines, privilegedFiles } from './privileged-files';
import { dir, file, hardlink, makePackage } from './testdata/make-package';

describe('privilegedFiles', () => {
  const busybox = makePackage({
    name: 'busybox',
    version: '1.36-r0',
    entries: [
      dir('bin', { mode: 0o2755 }),
      file('bin/su', 'su', { mode: 0o4755 }),
      file('bin/wall', 'w', { mode: 0o2755 }),
      file('bin/ping', 'p', { mode: 0o755, pax: { 'SCHILY.xattr.security.capability': '\u0001\u0000\u0000\u0002' } }),
      hardlink('bin/su2', 'bin/su', { mode: 0o4755 }),
      file('bin/ls', 'l', { mode: 0o755 }),
    ],
  });

  it('lists setuid, setgid and capability files (not directories), sorted by path, with their package', () => {
    expect(privilegedFiles([busybox])).toEqual([
      { path: 'bin/ping', package: 'busybox-1.36-r0', setuid: false, setgid: false, capabilities: true },
      { path: 'bin/su', package: 'busybox-1.36-r0', setuid: true, setgid: false, capabilities: false },
      { path: 'bin/su2', package: 'busybox-1.36-r0', setuid: true, setgid: false, capabilities: false },
      { path: 'bin/wall', package: 'busybox-1.36-r0', setuid: false, setgid: true, capabilities: false },
    ]);
  });

  it('makes one report line per kind, and none without privileged files', () => {
    expect(privilegedFileLines(privilegedFiles([busybox]))).toEqual([
      'setuid/setgid files: bin/su (busybox-1.36-r0), bin/su2 (busybox-1.36-r0), bin/wall (busybox-1.36-r0)',
      'files with capabilities: bin/ping (busybox-1.36-r0)',
    ]);
    expect(privilegedFileLines(privilegedFiles([makePackage({ name: 'plain', entries: [file('f', 'x', { mode: 0o755 })] })]))).toEqual([]);
  });
});
