import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startServer, type TestServer } from '../../engine/repo/testdata/server';
import type { CliRun } from '../support/cli';
import { hostile, layoutDigest, Sandbox } from './support/sandbox';
import { findSecret, imageFile, needlesFor } from './support/secrets-scan';

/**
 * Secrets: a password or token written in a repository or key URL, or given
 * as HTTP_AUTH, is used to fetch and then never written anywhere: not into
 * the image (every blob, layers decompressed), the SBOMs, the lock file or
 * the cache (keys and contents), and not into any message, on success or
 * failure. The repository is served on 127.0.0.1 behind basic auth, so the
 * builds that must succeed really authenticate.
 */
describe('hostile: secrets', () => {
  const USER = 'hostile-user';
  const SECRET = 'S3cr3t-h0st1le-t0ken';
  const needles = needlesFor(SECRET, USER);
  let sb: Sandbox;
  let server: TestServer;
  let n = 0;
  const work: string[] = [];

  beforeAll(async () => {
    sb = await Sandbox.create();
    // The key is served beside the repository, so a keyring URL can carry credentials too.
    copyFileSync(join(sb.dir, sb.ws.key.publicKeyName), join(sb.ws.repo, sb.ws.key.publicKeyName));
    server = await startServer(sb.ws.repo, { auth: { user: USER, password: SECRET } });
  });
  afterAll(async () => {
    await server?.close();
    for (const w of work) rmSync(w, { recursive: true, force: true });
  });

  const host = () => server.origin.replace('http://', '');
  const withUserinfo = (password = SECRET) => `http://${USER}:${password}@${host()}`;
  const localKey = () => join(sb.dir, sb.ws.key.publicKeyName);

  /** A config in the sandbox whose only repository is `repo`; returns its name. */
  function config(repo: string, opts: { keyring?: string; extra?: string; contents?: string } = {}): string {
    const name = `s${n++}.yaml`;
    sb.write(
      name,
      ['contents:', '  repositories:', `    - ${repo}`, '  keyring:', `    - ${opts.keyring ?? localKey()}`, '  packages:', '    - test-baselayout', ...(opts.contents ? [opts.contents] : []), 'archs: [x86_64]', opts.extra ?? '', ''].join('\n'),
    );
    return name;
  }

  /** A fresh directory for one build's output, SBOMs and cache, all of which are searched. */
  function fresh(): { dir: string; out: string; cache: string } {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-secrets-'));
    work.push(dir);
    return { dir, out: join(dir, 'out'), cache: join(dir, 'cache') };
  }

  /** The secret appears in none of `roots` and in neither stream of `r`. */
  function expectNoSecret(roots: readonly string[], r: CliRun): void {
    expect(findSecret(roots, needles), 'places holding the secret').toEqual([]);
    for (const needle of needles) {
      expect(r.stdout, 'stdout').not.toContain(needle);
      expect(r.stderr, 'stderr').not.toContain(needle);
    }
  }

  /** Builds `name` into a fresh layout (SBOMs beside it) through a fresh cache; the build must succeed. */
  async function built(name: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<{ dir: string; out: string; cache: string; r: CliRun }> {
    const f = fresh();
    const r = await sb.runAsync(['build', name, 'hostile:secret', `${f.out}/`, '--sbom-path', f.dir, '--verbose', ...args], { APKO_CACHE_DIR: f.cache, ...env });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(f.dir).filter((x) => x.endsWith('.spdx.json')).length, 'SBOMs were written and searched').toBeGreaterThan(0);
    return { ...f, r };
  }

  /** A refusal by the battery's rules that also leaves the secret out of the message and the cache. */
  async function refusedWithoutSecret(act: () => Promise<CliRun>, names: (string | RegExp)[]): Promise<CliRun> {
    const r = await sb.refuses(act, { names });
    expectNoSecret([sb.cache, sb.out], r);
    return r;
  }

  hostile('secrets/userinfo-build-layout', 'a build through a repository URL with user:password succeeds and the password is nowhere: image blobs, layers, SBOMs, cache, output', async () => {
    const name = config(withUserinfo());
    expect(findSecret([join(sb.dir, name)], needles), 'the search finds the secret where it is written').not.toEqual([]);
    const b = await built(name);
    expect(server.seen.some((s) => s.status === 200 && s.path.endsWith('APKINDEX.tar.gz')), 'the index was fetched with the credentials').toBe(true);
    expectNoSecret([b.dir], b.r);
  });

  hostile('secrets/userinfo-repositories-file', '/etc/apk/repositories names the repository without its credentials', async () => {
    const b = await built(config(withUserinfo()));
    expect(imageFile(b.out, 'etc/apk/repositories')?.toString()).toBe(`${server.origin}\n`);
  });

  hostile('secrets/userinfo-apko-json', '/etc/apko.json lists the repository without its credentials', async () => {
    const b = await built(config(withUserinfo()));
    const json = JSON.parse(imageFile(b.out, 'etc/apko.json')!.toString()) as { contents: { repositories: string[] } };
    expect(json.contents.repositories).toEqual([server.origin]);
  });

  hostile('secrets/userinfo-docker-tarball', 'a docker tarball built through a credentialed repository holds no secret in any member', async () => {
    const f = fresh();
    const r = await sb.runAsync(['build', config(withUserinfo()), 'hostile:secret', join(f.dir, 'image.tar')], { APKO_CACHE_DIR: f.cache });
    expect(r.code, r.stderr).toBe(0);
    expectNoSecret([f.dir], r);
  });

  hostile('secrets/http-auth-env', 'HTTP_AUTH authenticates the fetch and its password reaches neither the image, the SBOMs, the cache nor the output', async () => {
    const b = await built(config(server.origin), [], { HTTP_AUTH: `basic:${host()}:${USER}:${SECRET}` });
    expectNoSecret([b.dir], b.r);
  });

  hostile('secrets/cache-key-without-credentials', 'the same image fetched with userinfo and with HTTP_AUTH has one digest and one image store entry', async () => {
    const a = await built(config(withUserinfo()));
    const again = await sb.runAsync(['build', config(server.origin), 'hostile:secret', `${join(a.dir, 'again')}/`, '--sbom-path', join(a.dir, 'again')], {
      APKO_CACHE_DIR: a.cache,
      HTTP_AUTH: `basic:${host()}:${USER}:${SECRET}`,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(layoutDigest(join(a.dir, 'again'))).toBe(layoutDigest(a.out));
    expectNoSecret([a.dir], again);
  });

  hostile('secrets/lock-file', 'lock through a credentialed repository writes a lock file without the secret', async () => {
    const f = fresh();
    const lock = join(f.dir, 'apko.lock.json');
    const r = await sb.runAsync(['lock', config(withUserinfo(), { keyring: `${withUserinfo()}/${sb.ws.key.publicKeyName}` }), '--output', lock], { APKO_CACHE_DIR: f.cache });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(lock, 'utf8')).toContain(server.origin);
    expectNoSecret([f.dir], r);
  });

  hostile('secrets/keyring-url-userinfo', 'a key fetched from a URL with credentials is installed and the secret is nowhere', async () => {
    const b = await built(config(withUserinfo(), { keyring: `${withUserinfo()}/${sb.ws.key.publicKeyName}` }));
    expect(imageFile(b.out, `etc/apk/keys/${sb.ws.key.publicKeyName}`), 'the key is in the image').toBeDefined();
    expectNoSecret([b.dir], b.r);
  });

  hostile('secrets/runtime-repository-userinfo', 'a runtime-only repository with credentials is written to the image without them', async () => {
    const runtime = `https://${USER}:${SECRET}@mirror.example/os`;
    const b = await built(config(withUserinfo(), { contents: `  runtime_repositories:\n    - ${runtime}` }));
    expect(imageFile(b.out, 'etc/apk/repositories')?.toString()).toBe(`${server.origin}\nhttps://mirror.example/os\n`);
    expectNoSecret([b.dir], b.r);
  });

  hostile('secrets/repository-append-flag', 'credentials given with --repository-append are used and never written', async () => {
    const name = `s${n++}.yaml`;
    sb.write(name, ['contents:', '  keyring:', `    - ${localKey()}`, '  packages:', '    - test-baselayout', 'archs: [x86_64]', ''].join('\n'));
    const b = await built(name, ['--repository-append', withUserinfo()]);
    expect(imageFile(b.out, 'etc/apk/repositories')?.toString()).toBe(`${server.origin}\n`);
    expectNoSecret([b.dir], b.r);
  });

  hostile('secrets/vcs-url-userinfo', 'a vcs-url with credentials names the source in annotations and SBOMs without them', async () => {
    const b = await built(config(withUserinfo(), { extra: `vcs-url: https://${USER}:${SECRET}@git.example/acme/app@0123456789abcdef0123456789abcdef01234567` }));
    expectNoSecret([b.dir], b.r);
    const index = JSON.parse(readFileSync(join(b.out, 'blobs', 'sha256', layoutDigest(b.out).slice(7)), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(readFileSync(join(b.out, 'blobs', 'sha256', index.manifests[0]!.digest.slice(7)), 'utf8')) as { annotations?: Record<string, string> };
    expect(manifest.annotations?.['org.opencontainers.image.source']).toBe('https://git.example/acme/app');
  });

  hostile('secrets/show-config', 'show-config prints the repository with its password hidden', async () => {
    const r = await sb.runAsync(['show-config', config(withUserinfo())]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`http://${USER}:xxxxx@${host()}`);
    expectNoSecret([], r);
  });

  hostile('secrets/wrong-password', 'a refused password fails the build naming the repository, and the password is in no message and no cache entry', async () => {
    const wrong = 'Wr0ng-h0st1le-pa55';
    const name = config(withUserinfo(wrong));
    const r = await refusedWithoutSecret(() => sb.runAsync(['build', name, 'hostile:1', sb.out]), [host()]);
    expect(r.stderr).not.toContain(wrong);
    expect(findSecret([sb.cache], needlesFor(wrong, USER))).toEqual([]);
  });

  hostile('secrets/failure-after-fetch', 'a build that fails after fetching through credentials (an unknown package) leaves them out of the message and the cached index', async () => {
    const name = config(withUserinfo(), { contents: '    - no-such-package' });
    const before = server.seen.length;
    await refusedWithoutSecret(() => sb.runAsync(['build', name, 'hostile:1', sb.out]), ['no-such-package']);
    expect(server.seen.slice(before).some((s) => s.status === 200 && s.path.endsWith('APKINDEX.tar.gz')), 'the index was fetched, so the cache holds it').toBe(true);
  });

  hostile('secrets/http-auth-wrong-password', 'a refused HTTP_AUTH password fails naming the repository, never the password', async () => {
    const wrong = 'Wr0ng-http-auth-pa55';
    const name = config(server.origin);
    const r = await refusedWithoutSecret(() => sb.runAsync(['build', name, 'hostile:1', sb.out], { HTTP_AUTH: `basic:${host()}:${USER}:${wrong}` }), [host()]);
    expect(r.stderr).not.toContain(wrong);
  });

  hostile('secrets/http-auth-malformed', 'a malformed HTTP_AUTH is refused without echoing its value', async () => {
    const name = config(server.origin);
    await refusedWithoutSecret(() => sb.runAsync(['build', name, 'hostile:1', sb.out], { HTTP_AUTH: `bearer:${host()}:${SECRET}` }), ['HTTP_AUTH']);
  });

  hostile('secrets/unreachable-with-userinfo', 'a credentialed repository that cannot be reached fails naming the host, never the password', async () => {
    const closed = await startServer(sb.ws.repo);
    const port = closed.port;
    await closed.close();
    const name = config(`http://${USER}:${SECRET}@127.0.0.1:${port}`);
    await refusedWithoutSecret(() => sb.runAsync(['build', name, 'hostile:1', sb.out]), [`127.0.0.1:${port}`]);
  });

  hostile('secrets/malformed-url-with-userinfo', 'a malformed repository URL with a password is refused without echoing the password', async () => {
    const name = config(`http://${USER}:${SECRET}@127.0.0.1:notaport/os`);
    await refusedWithoutSecret(() => sb.runAsync(['build', name, 'hostile:1', sb.out]), ['127.0.0.1:notaport']);
  });

  hostile('secrets/bad-config-with-userinfo', 'a config refused for another reason does not echo the credentials beside the fault', async () => {
    const name = config(`"@tag http://${USER}:${SECRET}@${host()} extra"`);
    await refusedWithoutSecret(() => sb.runAsync(['build', name, 'hostile:1', sb.out]), [/s\d+\.yaml:\d+:\d+: contents\.repositories\[0\]/, `${USER}:xxxxx@`]);
  });

  hostile('secrets/query-token-message', 'a token in a repository URL query is left out of the failure message, as every request URL is shown', async () => {
    const closed = await startServer(sb.ws.repo);
    const port = closed.port;
    await closed.close();
    const name = config(`http://127.0.0.1:${port}/os?token=${SECRET}`);
    await refusedWithoutSecret(() => sb.runAsync(['build', name, 'hostile:1', sb.out]), [`127.0.0.1:${port}/os`]);
  });

  hostile('secrets/include-proc-environ', 'an include of /proc/self/environ with HTTP_AUTH set is refused without printing the environment', async () => {
    const name = config(server.origin, { extra: 'include: /proc/self/environ' });
    await refusedWithoutSecret(() => sb.runAsync(['build', name, 'hostile:1', sb.out], { HTTP_AUTH: `basic:${host()}:${USER}:${SECRET}` }), ['/proc/self/environ']);
  });
});
