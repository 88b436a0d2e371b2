import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { readApkBytes } from '../../engine/apk/package-read';
import { hasTool, isRoot } from '../support/env';
import { MelangeSandbox } from './support/melange-sandbox';
import { hostile } from './support/sandbox';

/**
 * melange build isolation and substitution safety. Every step here aims at
 * a path outside its workspace (the real /home/build, /etc, /tmp, the
 * workspace's parents, the user's home, the checkout, the output directory,
 * the host's root through /proc/1/root) or leaves a mount or a process
 * behind; each case checks the exact host paths afterwards, this process's
 * mount table, that no runner directory is left, and that the previous
 * output is unchanged. The default runner is bubblewrap; the chroot cases
 * need root. The vars cases fail at load, before any step runs.
 */
const canBwrap = hasTool('bwrap') && hasTool('busybox');

describe.skipIf(!canBwrap)('hostile: melange build isolation', () => {
  let sb: MelangeSandbox;
  let t: Record<string, string>;
  beforeAll(async () => {
    sb = await MelangeSandbox.create();
    t = sb.targets();
  }, 120_000);
  afterAll(() => sb?.dispose());

  /** The text of `name` in the x86_64 package `pkg` the last build wrote, or undefined. */
  const packaged = (pkg: string, name: string) =>
    readApkBytes(readFileSync(join(sb.out, 'x86_64', `${pkg}-1.0.0-r0.apk`)))
      .dataEntries.find((e) => e.name === name)
      ?.data.toString();

  hostile('melange/bwrap-home-build-is-the-workspace', 'a step writing /home/build/x writes its workspace, never the real /home/build/x of the build machine', async () => {
    const f = sb.file(sb.packageYaml('home-build', `echo evil > /home/build/${sb.token}\n[ -f "$PWD/${sb.token}" ]`));
    await sb.builds(f);
  });

  hostile('melange/bwrap-etc-read-only', 'a step writing /etc/x is refused by a read-only root; nothing appears in the machine\'s /etc', async () => {
    const f = sb.file(sb.packageYaml('etc', `if echo evil > ${t['/etc/x']}; then exit 9; fi`));
    await sb.builds(f);
  });

  hostile('melange/bwrap-tmp-private', 'a step writing /tmp/x writes a private /tmp that ends with the step', async () => {
    const f = sb.file(sb.packageYaml('tmp', `echo evil > ${t['/tmp/x']}\n[ -f ${t['/tmp/x']} ]`));
    await sb.builds(f);
  });

  hostile('melange/bwrap-workspace-parents', 'a step writing ../../x (and the host temp directory the workspace lives in) reaches nothing on the machine', async () => {
    const f = sb.file(sb.packageYaml('parents', `(echo evil > ../../${sb.token}) 2>/dev/null || true\n(echo evil > ${t['TMPDIR/x (../../x from a host workspace)']}) 2>/dev/null || true`));
    await sb.builds(f);
  });

  hostile('melange/bwrap-host-home-hidden', "the user's home is hidden: a step can neither read it nor write $HOME/x there", async () => {
    const home = homedir();
    const f = sb.file(
      sb.packageYaml('home', `mkdir -p \${{targets.destdir}}/usr/share\nls -A ${home} > \${{targets.destdir}}/usr/share/home-listing 2>/dev/null || true\n(echo evil > ${t['$HOME/x']}) 2>/dev/null || true`),
    );
    await sb.builds(f);
    expect(packaged('home', 'usr/share/home-listing') ?? '').toBe('');
  });

  hostile('melange/bwrap-checkout-hidden', 'the checkout is hidden: a step cannot change its files or read the signing key into a package', async () => {
    const key = join(sb.project, 'melange.rsa');
    const f = sb.file(
      sb.packageYaml(
        'checkout',
        [
          `(echo evil > ${t['the checkout']}) 2>/dev/null || true`,
          `(echo evil >> ${join(sb.project, 'melange.rsa.pub')}) 2>/dev/null || true`,
          'mkdir -p ${{targets.destdir}}/usr/share',
          `cat ${key} > \${{targets.destdir}}/usr/share/leak 2>/dev/null || true`,
        ].join('\n'),
      ),
    );
    await sb.builds(f);
    expect(packaged('checkout', 'usr/share/leak')).toBe('');
  });

  hostile('melange/bwrap-output-dir-not-writable', 'a step cannot write into the output directory; only the engine writes packages there, after the steps', async () => {
    const f = sb.file(sb.packageYaml('output', `(echo evil > ${t['the output directory']}) 2>/dev/null || true\n(echo evil > ${join(sb.out, 'x86_64', 'APKINDEX.tar.gz')}) 2>/dev/null || true`));
    await sb.builds(f);
  });

  hostile('melange/bwrap-proc-1-root', "/proc/1/root leads to the sandbox's own root, not the machine's: no host file is read or written through it", async () => {
    const f = sb.file(
      sb.packageYaml(
        'proc',
        [
          `(echo evil > /proc/1/root${t['/tmp/x']}) 2>/dev/null || true`,
          `(echo evil > /proc/1/root${t['the checkout']}) 2>/dev/null || true`,
          'mkdir -p ${{targets.destdir}}/usr/share',
          `cat /proc/1/root${join(sb.project, 'melange.rsa')} > \${{targets.destdir}}/usr/share/leak 2>/dev/null || true`,
        ].join('\n'),
      ),
    );
    await sb.builds(f);
    expect(packaged('proc', 'usr/share/leak')).toBe('');
  });

  hostile('melange/bwrap-mount-then-fail', 'a step that mounts in its workspace and fails reports the step; no mount and no runner directory are left, the previous output unchanged', async () => {
    const f = sb.file(sb.packageYaml('mounter', 'mkdir -p /home/build/m\nmount -t tmpfs none /home/build/m 2>/dev/null && touch /home/build/m/f\necho giving up\nexit 7'));
    await sb.refuses(f, { names: ['mounter: step "hostile" failed with exit code 7', 'giving up'] });
  });

  hostile('melange/bwrap-background-process-ends', 'a failing step that leaves a process running in the background neither hangs the build nor outlives it', async () => {
    const f = sb.file(sb.packageYaml('daemon', `(sleep 300; echo evil > ${t['/tmp/x']}) >/dev/null 2>&1 &\nexit 3`));
    const started = Date.now();
    await sb.refuses(f, { names: ['daemon: step "hostile" failed with exit code 3'] });
    expect(Date.now() - started, 'the build did not wait for the background process').toBeLessThan(30_000);
  });

  hostile('melange/bwrap-prepared-root-read-only', 'with environment.contents the steps run on the prepared root, read-only but for /home/build and /tmp; nothing reaches the machine', async () => {
    const f = sb.file(
      sb.packageYaml('prepared', `[ ! -e /usr/bin/node ]\nif echo evil > /etc/${sb.token}; then exit 9; fi\nif echo evil > /bin/${sb.token}; then exit 9; fi\necho ok > /home/build/${sb.token}\necho ok > /tmp/${sb.token}`, {
        environment: true,
      }),
    );
    const r = await sb.builds(f);
    expect(r.stderr).toContain('runner "bubblewrap": steps see the build environment read-only');
  });

  hostile('melange/bwrap-missing-refused', 'without bwrap on PATH the default runner refuses, saying to install bubblewrap or choose --runner host; it never falls back to running unisolated', async () => {
    const f = sb.file(sb.packageYaml('nobwrap', `echo evil > ${t['the checkout']}`));
    await sb.refuses(f, { names: ['runner "bubblewrap" (the default) needs bubblewrap, and bwrap is not on PATH', 'install bubblewrap', '--runner host'] }, [], { PATH: '/nonexistent' });
  });

  hostile('melange/bwrap-cannot-sandbox-refused', 'a bwrap that cannot create its namespaces (user namespaces disabled) is refused before any step, quoting bwrap and saying what to change', async () => {
    const bin = join(sb.base, 'fake-bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'bwrap'), '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n', { mode: 0o755 });
    const f = sb.file(sb.packageYaml('nouserns', `echo evil > ${t['/tmp/x']}`));
    await sb.refuses(f, { names: [`bubblewrap (${join(bin, 'bwrap')}) cannot start a sandbox on this machine: bwrap: setting up uid map: Permission denied`, 'user namespaces', '--runner host'] }, [], {
      PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`,
    });
  });

  hostile('melange/host-runner-warns', 'runner host is an explicit choice that warns it is unsafe and why before any step runs', async () => {
    const f = sb.file(sb.packageYaml('host', 'true'));
    const r = await sb.builds(f, ['--runner', 'host']);
    expect(r.stderr.split('\n')[0]).toMatch(/^warning: runner "host" runs the pipeline directly on this machine, without isolation: it is unsafe, since every step can read and write anything this user can .* use the default runner "bubblewrap"/);
  });

  hostile('melange/var-self-reference', 'a var that refers to itself fails at load naming the file and the var; no step runs', async () => {
    const f = sb.file(sb.packageYaml('selfref', `echo evil > ${t['the checkout']}\necho \${{vars.a}}`, { vars: { a: 'x${{vars.a}}' } }));
    await sb.refuses(f, { names: [join(sb.project, f), 'vars.a refers to itself (a: x${{vars.a}})'] });
  });

  hostile('melange/var-cycle', 'vars a → b → a fail at load naming the file and every var of the cycle', async () => {
    const f = sb.file(sb.packageYaml('cycle', 'echo ${{vars.a}}', { vars: { a: '${{vars.b}}', b: 'pre-${{vars.a}}' } }));
    await sb.refuses(f, { names: [join(sb.project, f), 'vars a → b → a refer to each other in a cycle (a: ${{vars.b}}, b: pre-${{vars.a}})'] });
  });

  hostile('melange/var-undefined', 'a step using a var that is not defined fails at load naming the file, the step and the name', async () => {
    const f = sb.file(sb.packageYaml('undef', 'echo ${{vars.nope}}'));
    await sb.refuses(f, { names: [join(sb.project, f), 'pipeline[0].runs: ${{vars.nope}} is not defined'] });
  });

  hostile('melange/var-cli-value-literal', 'a --var value is literal text: a ${{…}} reference in it is not substituted, and shell in it runs only where the script puts it', async () => {
    const f = sb.file(sb.packageYaml('clivar', "mkdir -p ${{targets.destdir}}/usr/share\nprintf '%s\\n' '${{vars.greeting}}' > ${{targets.destdir}}/usr/share/greeting", { vars: { greeting: 'hello' } }));
    await sb.builds(f, ['--var', `greeting=\${{package.name}} $(touch ${t['/tmp/x']})`]);
    expect(packaged('clivar', 'usr/share/greeting')).toBe(`\${{package.name}} $(touch ${t['/tmp/x']})\n`);
  });

  describe.skipIf(!isRoot())('as root', async () => {
    hostile('melange/host-runner-mount-detached', 'runner host as root: a step that leaves a mount in its workspace and fails reports the step; the mount is detached and the workspace removed', async () => {
      const f = sb.file(sb.packageYaml('hostmount', 'mkdir -p m\nmount -t tmpfs none m\necho data > m/f\nexit 5'));
      const r = await sb.refuses(f, { names: ['hostmount: step "hostile" failed with exit code 5'] }, ['--runner', 'host']);
      expect(r.stderr).not.toContain('could not');
    });

    hostile('melange/bwrap-signing-key-outside-checkout-unreadable', 'a signing key kept outside the checkout (as CI writes it from a secret) reads as empty to every step, so it never reaches a package', async () => {
      const keyDir = join('/var/lib', sb.token);
      mkdirSync(keyDir);
      try {
        // The project's key under its own name, so the repository stays signed as the other cases expect.
        copyFileSync(join(sb.project, 'melange.rsa'), join(keyDir, 'melange.rsa'));
        const f = sb.file(sb.packageYaml('keyleak', `mkdir -p \${{targets.destdir}}/usr/share\ncat ${join(keyDir, 'melange.rsa')} > \${{targets.destdir}}/usr/share/leak 2>/dev/null || true`));
        const r = await sb.builds(f, ['--signing-key', join(keyDir, 'melange.rsa')]);
        expect(r.stdout).toContain('keyleak-1.0.0-r0.apk');
        expect(packaged('keyleak', 'usr/share/leak')).toBe('');
      } finally {
        rmSync(keyDir, { recursive: true, force: true });
      }
    });

    hostile('melange/chroot-proc-1-root', 'runner chroot: /proc/1/root is the chroot itself (a private PID namespace), so the machine\'s root is neither read nor written through it', async () => {
      const f = sb.file(
        sb.packageYaml(
          'chrootproc',
          [
            'mount -t proc proc /proc 2>/dev/null || true',
            `(echo evil > /proc/1/root${t['/tmp/x']}) 2>/dev/null || true`,
            'mkdir -p ${{targets.destdir}}/usr/share',
            `cat /proc/1/root${join(sb.project, 'melange.rsa')} > \${{targets.destdir}}/usr/share/leak 2>/dev/null || true`,
            '[ "$(ls -A /proc/1/root/)" = "$(ls -A /)" ] && [ -x /proc/1/root/bin/busybox ]',
            `[ ! -e /proc/1/root${process.execPath} ] && [ ! -e /proc/1/root${sb.project} ]`,
          ].join('\n'),
          { environment: true },
        ),
      );
      await sb.builds(f, ['--runner', 'chroot']);
      expect(packaged('chrootproc', 'usr/share/leak')).toBe('');
    });

    hostile('melange/chroot-writes-stay-in-root', 'runner chroot: writes to /home/build, /etc, /tmp and ../../ land in the throwaway root, never on the machine', async () => {
      const f = sb.file(
        sb.packageYaml('chrootwrites', `echo evil > /home/build/${sb.token}\necho evil > /etc/${sb.token}\necho evil > /tmp/${sb.token}\necho evil > ../../${sb.token}\n(echo evil > ${t['$HOME/x']}) 2>/dev/null || true`, {
          environment: true,
        }),
      );
      await sb.builds(f, ['--runner', 'chroot']);
    });

    hostile('melange/chroot-mount-then-fail', 'runner chroot: a step that leaves a mount and fails reports the step; its mount ended with its namespace and the root is removed', async () => {
      const f = sb.file(sb.packageYaml('chrootmount', 'mkdir -p /home/build/m\nmount -t tmpfs none /home/build/m\necho data > /home/build/m/f\nexit 6', { environment: true }));
      const r = await sb.refuses(f, { names: ['chrootmount: step "hostile" failed with exit code 6'] }, ['--runner', 'chroot']);
      expect(r.stderr).not.toContain('could not');
    });
  });
});
