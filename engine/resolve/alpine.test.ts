/**
 * Interop: the real Alpine 3.16 x86_64 `main` index from ../shared/fixtures,
 * verified with Alpine's key, resolved for a few well-known worlds. Skipped
 * with a notice when the fixtures are absent (a fresh clone).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../e2e/support/env';
import { readApkIndex } from '../apk/index-read';
import { UnsatisfiableError } from '../errors';
import { resolve } from './resolve';
import type { Resolution, ResolverRepository } from './types';

const KEY = 'alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub';
const indexPath = fixture('alpine-v3.16-x86_64', 'APKINDEX.tar.gz');
const keyPath = fixture('keys', 'alpine', KEY);

describe.skipIf(indexPath === undefined || keyPath === undefined)('resolve on Alpine 3.16 main (x86_64)', () => {
  let main: ResolverRepository | undefined;
  const repos = (): ResolverRepository[] => {
    main ??= {
      name: 'https://dl-cdn.alpinelinux.org/alpine/v3.16/main',
      entries: readApkIndex(readFileSync(indexPath!), { keyring: new Map([[KEY, readFileSync(keyPath!, 'utf8')]]) }).entries,
    };
    return [main];
  };
  const run = (world: string[], strictProviders = false): Resolution => resolve({ repositories: repos(), world, arch: 'x86_64', strictProviders });
  const failure = (world: string[], strictProviders = false): UnsatisfiableError => {
    try {
      run(world, strictProviders);
    } catch (e) {
      return e as UnsatisfiableError;
    }
    throw new Error(`resolving ${world.join(' ')} did not fail`);
  };
  const labels = (r: Resolution): string[] => r.packages.map((p) => `${p.name}-${p.version}`);

  it('resolves busybox to exactly busybox and musl, musl first', () => {
    const r = run(['busybox']);
    expect(labels(r)).toEqual(['musl-1.2.3-r2', 'busybox-1.35.0-r17']);
    expect(r.packages[0]).toMatchObject({
      repository: 'https://dl-cdn.alpinelinux.org/alpine/v3.16/main',
      checksum: 'Q1s+0ABSdjudKn+n+ccJIUrG93mAk=',
      size: 383459,
      requiredBy: ['busybox-1.35.0-r17'],
      selectedBy: 'dependency',
    });
    expect(r.packages[1]).toMatchObject({ requiredBy: ['world'], selectedBy: 'world' });
  });

  it('resolves python3 to 17 packages, python3 last', () => {
    const r = run(['python3']);
    expect(r.packages).toHaveLength(17);
    expect(labels(r).at(-1)).toBe('python3-3.10.8-r0');
    expect(labels(r)).toContain('libssl1.1-1.1.1s-r0');
  });

  it('resolves alpine-base to 21 packages, every dependency before its dependent', () => {
    const r = run(['alpine-base']);
    expect(r.packages).toHaveLength(21);
    const position = new Map(labels(r).map((l, i) => [l, i]));
    for (const e of r.edges) if (e.from !== 'world' && e.kind === 'depend' && e.from !== e.to) {
      const cyclic = r.edges.some((b) => b.from === e.to && b.to === e.from);
      if (!cyclic) expect(position.get(e.to)!).toBeLessThan(position.get(e.from)!);
    }
    expect(labels(r).at(-1)).toBe('alpine-base-3.16.3-r0');
  });

  it('gives the same answer whatever the world order', () => {
    const a = run(['alpine-base', 'python3']);
    const b = run(['python3', 'alpine-base']);
    expect(b.packages).toEqual(a.packages);
    expect(b.edges).toEqual(a.edges);
  });

  it('with strict providers, refuses nginx: /bin/sh is virtual, without a provider priority, and names busybox', () => {
    const err = failure(['nginx'], true);
    expect(err).toBeInstanceOf(UnsatisfiableError);
    expect(err.code).toBe('EUNSATISFIABLE');
    expect(err.message).toBe(
      [
        'unable to select packages:',
        '  /bin/sh (virtual):',
        "    note: please select one of the 'provided by' packages explicitly",
        '    provided by: busybox',
        '    required by: nginx-1.22.1-r0[/bin/sh]',
        '    chain: world[nginx] -> nginx-1.22.1-r0[/bin/sh]',
      ].join('\n'),
    );
    expect(err.hint).toBe("add one of the 'provided by' packages to the packages list");
  });

  it('gives /bin/sh to busybox for curl, bash, git, nginx and redis, as apko does, and reports each choice', () => {
    for (const world of [['curl'], ['bash'], ['git'], ['nginx'], ['redis']]) {
      const r = run(world);
      expect(labels(r)).toContain('busybox-1.35.0-r17');
      expect(r.choices.map((c) => [c.name, c.chosen])).toEqual([['/bin/sh', 'busybox-1.35.0-r17']]);
    }
    const curl = run(['curl']);
    expect(labels(curl)).toEqual(
      expect.arrayContaining(['musl-1.2.3-r2', 'ca-certificates-20220614-r0', 'libcurl-7.83.1-r4', 'curl-7.83.1-r4', 'ssl_client-1.35.0-r17']),
    );
    expect(curl.packages).toHaveLength(11);
    expect(curl.choices[0]!.requiredBy).toBe('ca-certificates-20220614-r0[/bin/sh]');
  });

  it('makes no choice when the world already names a provider', () => {
    expect(run(['nginx', 'busybox']).choices).toEqual([]);
  });

  it('resolves nginx once a /bin/sh provider is in the world', () => {
    const r = run(['nginx', 'busybox']);
    expect(labels(r)).toContain('nginx-1.22.1-r0');
    expect(labels(r)).toContain('busybox-1.35.0-r17');
  });

  it('reports an unknown name as apk-tools does', () => {
    const err = failure(['no-such-package-anywhere']);
    expect(err.problems).toEqual(['no-such-package-anywhere (no such package): required by: world[no-such-package-anywhere]']);
    expect(err.message).toBe('unable to select packages:\n  no-such-package-anywhere (no such package):\n    required by: world[no-such-package-anywhere]');
    expect(err.arch).toBe('x86_64');
  });

  it('reports busybox<1.35 as breaking the world constraint', () => {
    const err = failure(['busybox<1.35']);
    expect(err.problems).toEqual(['busybox-1.35.0-r17: breaks: world[busybox<1.35]']);
    expect(err.message).toBe('unable to select packages:\n  busybox-1.35.0-r17:\n    breaks: world[busybox<1.35]');
  });
});
