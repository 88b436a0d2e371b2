import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../e2e/support/env';
import { ChecksumError, PipelineError } from '../errors';
import { makeProject, melangeBuild, readPackage, type Project } from './testdata/project';

const HEAD = 'package:\n  name: src\n  version: 1.0.0\n';
const COPY_OUT = '  - runs: mkdir -p ${{targets.destdir}}/usr/share/src && cp hello.txt ${{targets.destdir}}/usr/share/src/\n';

function build(p: Project) {
  return melangeBuild({ configPath: p.config, outDir: p.outDir, log: p.log });
}
const fileIn = (path: string, name: string) => readPackage(path).dataEntries.find((e) => e.name === name)?.data.toString();

/** A tarball holding hello-1.0/hello.txt, as release tarballs are laid out. */
function tarball(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'fetch-src-'));
  mkdirSync(join(dir, 'hello-1.0'));
  writeFileSync(join(dir, 'hello-1.0', 'hello.txt'), 'fetched\n');
  execFileSync('tar', ['-czf', join(dir, 'out.tar.gz'), '-C', dir, 'hello-1.0']);
  return readFileSync(join(dir, 'out.tar.gz'));
}

describe.skipIf(!hasTool('bwrap'))('uses: fetch (bubblewrap runner)', () => {
  let server: Server;
  let base: string;
  const body = tarball();
  const sha256 = createHash('sha256').update(body).digest('hex');
  const sha512 = createHash('sha512').update(body).digest('hex');
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/dl/hello-1.0.tar.gz') res.end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('downloads, verifies the sha256, extracts with strip-components 1 and deletes when asked', async () => {
    const p = makeProject(`${HEAD}pipeline:\n  - uses: fetch\n    with:\n      uri: ${base}/dl/hello-1.0.tar.gz\n      expected-sha256: ${sha256}\n      delete: true\n${COPY_OUT}  - runs: test ! -e hello-1.0.tar.gz\n`);
    const r = await build(p);
    expect(fileIn(r.packages[0]!.path, 'usr/share/src/hello.txt')).toBe('fetched\n');
  });

  it('verifies a sha512 and leaves the archive unextracted with extract: false', async () => {
    const p = makeProject(`${HEAD}pipeline:\n  - uses: fetch\n    with:\n      uri: ${base}/dl/hello-1.0.tar.gz\n      expected-sha512: ${sha512}\n      extract: false\n  - runs: test ! -e hello.txt && mkdir -p \${{targets.destdir}} && cp hello-1.0.tar.gz \${{targets.destdir}}/\n`);
    const r = await build(p);
    expect(readPackage(r.packages[0]!.path).dataEntries.find((e) => e.name === 'hello-1.0.tar.gz')?.data.equals(body)).toBe(true);
  });

  it('refuses a wrong checksum, naming the URL, and writes nothing', async () => {
    const wrong = sha256.replace(/^./, sha256[0] === '0' ? '1' : '0');
    const p = makeProject(`${HEAD}pipeline:\n  - uses: fetch\n    with:\n      uri: ${base}/dl/hello-1.0.tar.gz\n      expected-sha256: ${wrong}\n${COPY_OUT}`);
    const err = await build(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as ChecksumError).code).toBe('EINTEGRITY');
    expect((err as Error).message).toBe(`fetch: ${base}/dl/hello-1.0.tar.gz has sha256 ${sha256}, but the step expects ${wrong} (${p.config}: pipeline[0])`);
    expect(() => readFileSync(join(p.outDir, 'x86_64', 'APKINDEX.tar.gz'))).toThrow();
  });

  it('refuses a fetch with no checksum, naming the URL', async () => {
    const p = makeProject(`${HEAD}pipeline:\n  - uses: fetch\n    with:\n      uri: ${base}/dl/hello-1.0.tar.gz\n`);
    await expect(build(p)).rejects.toThrow(`uses: fetch of ${base}/dl/hello-1.0.tar.gz needs expected-sha256 or expected-sha512`);
  });

  it('names the URL when the server answers 404', async () => {
    const p = makeProject(`${HEAD}pipeline:\n  - uses: fetch\n    with:\n      uri: ${base}/dl/missing.tar.gz\n      expected-sha256: ${sha256}\n`);
    await expect(build(p)).rejects.toThrow(`fetch: ${base}/dl/missing.tar.gz answered HTTP 404`);
  });
});

/** A project whose sources hold a bare repository (seen by steps as file:///home/build/repo.git) with tag v1 and a later commit on main. */
function gitProject(yaml: string): { p: Project; v1: string; head: string; fix: string } {
  const work = mkdtempSync(join(tmpdir(), 'git-src-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]).toString().trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(join(work, 'hello.txt'), 'version one\n');
  git('add', '.');
  git('commit', '-qm', 'one');
  git('tag', '-a', 'v1', '-m', 'v1');
  const v1 = git('rev-parse', 'HEAD');
  writeFileSync(join(work, 'hello.txt'), 'version two\n');
  git('commit', '-qam', 'two');
  git('checkout', '-qb', 'fixes', v1);
  writeFileSync(join(work, 'extra.txt'), 'fix\n');
  git('add', '.');
  git('commit', '-qm', 'fix');
  const fix = git('rev-parse', 'HEAD');
  git('checkout', '-q', 'main');
  const head = git('rev-parse', 'HEAD');
  const p = makeProject(yaml.replace(/V1/g, v1).replace(/HEADSHA/g, head).replace(/FIXSHA/g, fix));
  execFileSync('git', ['clone', '-q', '--bare', work, join(p.dir, 'repo.git')]);
  return { p, v1, head, fix };
}

const checkout = (w: string) => `${HEAD}pipeline:\n  - uses: git-checkout\n    with:\n      repository: file:///home/build/repo.git\n      destination: src\n${w}  - working-directory: src\n    pipeline:\n${COPY_OUT.replace(/^ {2}/, '      ')}`;

describe.skipIf(!(hasTool('bwrap') && hasTool('git')))('uses: git-checkout, patch (bubblewrap runner)', () => {
  it('checks out a tag whose commit is expected-commit, and cherry-picks', async () => {
    const { p } = gitProject(checkout('      tag: v1\n      expected-commit: V1\n      depth: -1\n      cherry-picks: |\n        fixes/FIXSHA: add extra\n'));
    const r = await build(p);
    expect(fileIn(r.packages[0]!.path, 'usr/share/src/hello.txt')).toBe('version one\n');
    expect(p.logs.some((l) => l.includes('cherry-picked'))).toBe(true);
  });

  it('checks out an older expected-commit of a branch', async () => {
    const { p } = gitProject(checkout('      branch: main\n      expected-commit: V1\n'));
    const r = await build(p);
    expect(fileIn(r.packages[0]!.path, 'usr/share/src/hello.txt')).toBe('version one\n');
  });

  it('refuses a tag whose commit is not expected-commit, naming both commits', async () => {
    const { p, v1, head } = gitProject(checkout('      tag: v1\n      expected-commit: HEADSHA\n'));
    const err = await build(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as Error).message).toContain(`expected-commit is ${head}, but file:///home/build/repo.git tag v1 is commit ${v1}`);
  });

  it.skipIf(!hasTool('patch'))('applies patches with uses: patch', async () => {
    const diff = '--- a/hello.txt\n+++ b/hello.txt\n@@ -1 +1 @@\n-plain\n+patched\n';
    const p = makeProject(`${HEAD}pipeline:\n  - uses: patch\n    with:\n      patches: fix.patch\n${COPY_OUT}`, { 'hello.txt': 'plain\n', 'fix.patch': diff });
    const r = await build(p);
    expect(fileIn(r.packages[0]!.path, 'usr/share/src/hello.txt')).toBe('patched\n');
  });
});
