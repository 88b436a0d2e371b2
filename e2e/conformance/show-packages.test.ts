/**
 * Resolution against the real apko (the version pinned in tools.json) on the
 * real Alpine 3.16 x86_64 and 3.17 aarch64 indexes from ../shared/fixtures:
 * for each world set below, `apko-nx show-packages` prints exactly the lines
 * `apko show-packages` prints (the same packages, versions and order), both
 * offline from the same local repository. World sets that differ on purpose
 * are listed in KNOWN with the reason; each must still differ, so the list
 * cannot go stale.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { fixture } from '../support/env';
import { needTool, noticeIfMissing, referenceToolFor, type Prerequisite } from './prerequisites';
import { toolPins } from './reference-tools';

/** The world sets the suite keeps: common images and the packages people start from. */
const WORLDS: readonly (readonly string[])[] = [
  ['busybox'],
  ['alpine-base'],
  ['python3'],
  ['curl'],
  ['nginx'],
  ['bash'],
  ['git'],
  ['redis'],
  ['openssl'],
  ['perl'],
  ['ca-certificates'],
  ['nodejs'],
  ['openssh'],
  ['postgresql14'],
  ['tzdata', 'busybox'],
  ['alpine-baselayout', 'busybox', 'ca-certificates-bundle'],
  ['python3', 'py3-setuptools'],
  ['ruby'],
  ['coreutils', 'sqlite', 'iptables'],
  ['alpine-base', 'python3', 'nginx', 'busybox'],
];

const INDEXES = [
  { release: '3.16', dir: 'alpine-v3.16-x86_64', arch: 'x86_64', key: 'alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub' },
  { release: '3.17', dir: 'alpine-v3.17-aarch64', arch: 'aarch64', key: 'alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub' },
] as const;

/**
 * Worlds whose result differs from apko's on purpose, by `<release> <world>`:
 * apko evaluates install_if only inside the dependencies of one world
 * package, so a package completed by two world packages together (here
 * nginx-openrc, by nginx and openrc from alpine-base) is left out; apk-tools,
 * and apko-nx, install it (docs/apko-differences.md, `install-if-across-world`).
 */
const KNOWN = new Map<string, RegExp>([
  ['3.16 alpine-base python3 nginx busybox', /^> nginx-openrc /m],
  ['3.17 alpine-base python3 nginx busybox', /^> nginx-openrc /m],
]);

const pin = toolPins().apko;
let prerequisite: Prerequisite | undefined;
let work: string;

beforeAll(async () => {
  prerequisite = await referenceToolFor('apko');
  noticeIfMissing(prerequisite, 'show-packages');
  work = mkdtempSync(join(tmpdir(), 'apko-show-packages-'));
}, 30 * 60_000);

function lineDiff(apko: string[], ours: string[]): string {
  const a = new Set(apko);
  const o = new Set(ours);
  const out = [...apko.filter((l) => !o.has(l)).map((l) => `< ${l}`), ...ours.filter((l) => !a.has(l)).map((l) => `> ${l}`)];
  return out.length > 0 ? out.join('\n') : apko.join('\n') === ours.join('\n') ? '' : 'same lines in another order';
}

for (const ix of INDEXES) {
  const index = fixture(ix.dir, 'APKINDEX.tar.gz');
  const key = fixture('keys', 'alpine', ix.key);
  describe.skipIf(index === undefined || key === undefined)(`show-packages against apko ${pin.version} on Alpine ${ix.release} ${ix.arch}`, () => {
    let repo: string;
    beforeAll(() => {
      repo = join(work, ix.dir);
      mkdirSync(join(repo, ix.arch), { recursive: true });
      copyFileSync(index!, join(repo, ix.arch, 'APKINDEX.tar.gz'));
    });

    // On 3.16 only busybox gives /bin/sh, without a version or priority; 3.17 has busybox-binsh with a priority.
    if (ix.release === '3.16') {
      it('reports each provider choice on stderr, and --strict-providers refuses instead, naming the providers', () => {
        const config = join(work, `${ix.release}-choice.yaml`);
        writeFileSync(config, ['contents:', `  repositories: [${repo}]`, `  keyring: [${key}]`, '  packages: [curl]', `archs: [${ix.arch}]`, ''].join('\n'));
        const chosen = runCli(['show-packages', config, '--offline'], { cwd: work });
        expect(chosen.code, chosen.stderr).toBe(0);
        expect(chosen.stderr).toMatch(new RegExp(`note: ${ix.arch}: /bin/sh \\(required by ca-certificates-\\S+\\[/bin/sh\\]\\) has only virtual providers; chose busybox-\\S+\\.`));
        expect(chosen.stderr).toContain('--strict-providers refuses instead');
        expect(chosen.stdout).not.toContain('note:');
        const strict = runCli(['show-packages', config, '--offline', '--strict-providers'], { cwd: work });
        expect(strict.code).toBe(1);
        expect(strict.stderr).toContain('/bin/sh (virtual):');
        expect(strict.stderr).toContain('provided by: busybox');
      });
    }

    it('prints every named format and a template of its own as apko does', (ctx) => {
      const tool = needTool(prerequisite, ctx);
      const config = join(work, `${ix.release}-formats.yaml`);
      writeFileSync(config, ['contents:', `  repositories: [${repo}]`, `  keyring: [${key}]`, '  packages: [busybox, zlib]', `archs: [${ix.arch}]`, ''].join('\n'));
      for (const format of ['name-version-source', 'name=version', 'name-(version)-source', 'packagelock-source', '{{.Name}}:{{ .Version }} <{{.Source}}>']) {
        const apko = spawnSync(tool.path, ['show-packages', config, '--offline', '--format', format], { encoding: 'utf8', cwd: work });
        expect(apko.status, apko.stderr).toBe(0);
        const ours = runCli(['show-packages', config, '--offline', '--format', format], { cwd: work });
        expect(ours.stdout, format).toBe(apko.stdout);
      }
    });

    for (const world of WORLDS) {
      const label = world.join(' ');
      it(label, (ctx) => {
        const tool = needTool(prerequisite, ctx);
        const config = join(work, `${ix.release}-${label.replace(/\W+/g, '-')}.yaml`);
        writeFileSync(config, ['contents:', `  repositories: [${repo}]`, `  keyring: [${key}]`, '  packages:', ...world.map((p) => `    - ${p}`), `archs: [${ix.arch}]`, ''].join('\n'));
        const apko = spawnSync(tool.path, ['show-packages', config, '--offline'], { encoding: 'utf8', cwd: work });
        expect(apko.status, apko.stderr).toBe(0);
        const ours = runCli(['show-packages', config, '--offline'], { cwd: work });
        expect(ours.code, ours.stderr).toBe(0);
        const diff = lineDiff(apko.stdout.trim().split('\n'), ours.stdout.trim().split('\n'));
        const known = KNOWN.get(`${ix.release} ${label}`);
        if (known) expect(diff, 'a known difference must still show').toMatch(known);
        else expect(diff).toBe('');
      });
    }
  });
}
