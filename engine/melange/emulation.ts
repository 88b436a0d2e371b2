/**
 * Which architectures this machine can run build steps for: its own, and a
 * foreign one only when the kernel's binfmt_misc has a qemu-user handler
 * registered and enabled for it (`/proc/sys/fs/binfmt_misc/qemu-<name>`),
 * which is what lets a build root of that architecture run its binaries.
 * The default architectures of a build, and the refusal of a foreign build
 * root nothing can run, both come from here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_ARCHS, type ApkArch, type Arch } from '../arch';

/** Where the kernel lists binfmt_misc handlers. */
export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

/** The qemu-user name of each architecture, as the handlers qemu-user-static registers are named. */
const QEMU_NAMES: Readonly<Record<ApkArch, string>> = {
  x86: 'i386',
  x86_64: 'x86_64',
  aarch64: 'aarch64',
  armhf: 'arm',
  armv7: 'arm',
  loongarch64: 'loongarch64',
  ppc64le: 'ppc64le',
  riscv64: 'riscv64',
  s390x: 's390x',
};

/** The handler file that would let this machine run `arch`'s binaries. */
export function qemuHandlerPath(arch: Arch, dir: string = BINFMT_DIR): string {
  return join(dir, `qemu-${QEMU_NAMES[arch.apk]}`);
}

/** True when `arch` is the host's, or a qemu-user handler for it is registered and enabled. */
export function canRunArch(arch: Arch, host: Arch, dir: string = BINFMT_DIR): boolean {
  if (arch.apk === host.apk) return true;
  try {
    return readFileSync(qemuHandlerPath(arch, dir), 'utf8').split('\n')[0]?.trim() === 'enabled';
  } catch {
    return false;
  }
}

/** Every architecture this machine can run steps for, in ALL_ARCHS order (the host's always among them). */
export function runnableArchs(host: Arch, dir: string = BINFMT_DIR): Arch[] {
  return ALL_ARCHS.filter((a) => canRunArch(a, host, dir));
}

/** What to do about a foreign architecture without a handler, for errors and notes. */
export function emulationHint(arch: Arch, dir: string = BINFMT_DIR): string {
  return (
    `register a qemu-user handler for ${arch.apk} (${qemuHandlerPath(arch, dir)}): on Debian/Ubuntu apt-get install qemu-user-static binfmt-support ` +
    `(or docker run --privileged --rm tonistiigi/binfmt --install ${arch.architecture}); or build ${arch.apk} on a machine of that architecture`
  );
}
