import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArch } from '../arch';
import { canRunArch, emulationHint, qemuHandlerPath, runnableArchs } from './emulation';

/** A binfmt_misc directory with the handlers given (name → its status line). */
function binfmt(handlers: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'binfmt-'));
  writeFileSync(join(dir, 'status'), 'enabled\n');
  for (const [name, status] of Object.entries(handlers)) writeFileSync(join(dir, name), `${status}\ninterpreter /usr/libexec/qemu-binfmt/${name}\nflags: F\n`);
  return dir;
}

describe('which architectures this machine can run', () => {
  const amd64 = parseArch('x86_64');

  it('is the host alone without qemu-user handlers', () => {
    expect(runnableArchs(amd64, binfmt({})).map((a) => a.apk)).toEqual(['x86_64']);
    expect(runnableArchs(amd64, '/nonexistent/binfmt_misc').map((a) => a.apk)).toEqual(['x86_64']);
  });

  it('adds a foreign architecture whose handler is registered and enabled, by qemu-user name', () => {
    const dir = binfmt({ 'qemu-aarch64': 'enabled', 'qemu-arm': 'enabled', 'qemu-riscv64': 'disabled' });
    expect(runnableArchs(amd64, dir).map((a) => a.apk)).toEqual(['x86_64', 'armhf', 'armv7', 'aarch64']);
    expect(canRunArch(parseArch('riscv64'), amd64, dir)).toBe(false);
    expect(qemuHandlerPath(parseArch('386'), dir)).toBe(join(dir, 'qemu-i386'));
  });

  it('says how to register a handler, naming the architecture and the file', () => {
    const hint = emulationHint(parseArch('arm64'), '/proc/sys/fs/binfmt_misc');
    expect(hint).toContain('qemu-user handler for aarch64 (/proc/sys/fs/binfmt_misc/qemu-aarch64)');
    expect(hint).toContain('apt-get install qemu-user-static binfmt-support');
  });
});
