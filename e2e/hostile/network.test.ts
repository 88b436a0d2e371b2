import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { writeLocalRepository, type PackageSpec } from '../../engine/example/local-repository';
import { BASELAYOUT } from '../support/workspace';
import { startFaultServer, type FaultServer } from './support/fault-server';
import { HttpRepo } from './support/network-repo';
import { hostile, Sandbox } from './support/sandbox';

/**
 * APK repositories over HTTP that fail: errors that pass (retried until the
 * build gives the clean digest), errors that last (refused, naming the URL
 * without its password, with a hint), servers that stall or trickle (ended
 * by the stall timeout and the fetch deadline), bodies that lie about their
 * length, encoding or content (refused by the checksums, never decoded or
 * trusted), redirects (loops refused, credentials never sent to another
 * origin), sizes beyond the limits (refused before the body is read) and
 * indexes revalidated by ETag.
 */
const TOOL: PackageSpec = {
  name: 'test-tool',
  version: '1.0.0-r0',
  license: 'MIT',
  builddate: 1700000000,
  files: [{ path: 'usr/bin/tool', type: 'file', mode: 0o755, data: '#!/bin/sh\necho tool\n' }],
};

const INDEX = '/x86_64/APKINDEX.tar.gz';
const BASE_APK = HttpRepo.packagePath('test-baselayout');
const TOOL_APK = HttpRepo.packagePath('test-tool');

describe('hostile: network faults', () => {
  let sb: Sandbox;
  let http: HttpRepo;
  let srv: FaultServer;
  const others: FaultServer[] = [];
  beforeAll(async () => {
    sb = await Sandbox.create({ packages: [BASELAYOUT, TOOL] });
    http = await HttpRepo.start(sb, ['test-tool']);
    srv = http.server;
  }, 120_000);
  afterAll(async () => {
    await srv?.stop();
    for (const o of others) await o.stop();
  });

  /** A refused HTTP build through a fresh cache; the cache is then proven good for the clean HTTP build. */
  async function refusedOver(config: string, names: (string | RegExp)[], extraArgs: readonly string[] = [], env: Record<string, string | undefined> = {}) {
    const cache = http.freshCache();
    const r = await sb.refuses(() => http.build(config, cache, extraArgs, env), { names });
    await http.expectCacheGood(cache);
    return r;
  }

  /** A build over HTTP that rides out the fault and gives the clean HTTP digest. */
  async function ridesOut(): Promise<void> {
    const r = await http.buildScratch('http.yaml', http.freshCache());
    expect(r.code, r.stderr).toBe(0);
    expect(r.digest).toBe(http.digest);
  }

  hostile('network/index-500-then-ok', 'an index that answers HTTP 500 twice is retried and the build gives the clean digest', async () => {
    srv.reset();
    srv.fault(INDEX, { kind: 'status', status: 500, times: 2 });
    await ridesOut();
    expect(http.seenFor(INDEX).map((s) => s.answered)).toEqual(['500', '500', '200']);
  });

  hostile('network/package-503-then-ok', 'a package that answers HTTP 503 twice is retried and the build gives the clean digest', async () => {
    srv.reset();
    srv.fault(BASE_APK, { kind: 'status', status: 503, times: 2 });
    await ridesOut();
    expect(http.seenFor(BASE_APK).map((s) => s.answered)).toEqual(['503', '503', '200']);
  });

  hostile('network/index-500-always', 'an index that always answers 500 is refused after the retries, naming the URL with its password hidden', async () => {
    srv.reset();
    srv.fault(INDEX, { kind: 'status', status: 500 });
    const host = srv.origin.slice('http://'.length);
    sb.write('secret-500.yaml', http.config(`http://robot:hunter2@${host}`));
    const r = await refusedOver('secret-500.yaml', [`http://robot:xxxxx@${host}/x86_64/APKINDEX.tar.gz`, 'failed after 5 attempts', 'HTTP 500']);
    expect(r.stderr).not.toContain('hunter2');
  });

  hostile('network/index-404', 'an index the server does not have is refused as missing, naming the URL', async () => {
    srv.reset();
    srv.fault(INDEX, { kind: 'status', status: 404 });
    await refusedOver('http.yaml', [`${srv.origin}${INDEX}`, 'HTTP 404']);
    expect(http.seenFor(INDEX)).toHaveLength(1);
  });

  hostile('network/package-404', 'a package the index lists but the server does not have is refused, naming the package URL', async () => {
    srv.reset();
    srv.fault(TOOL_APK, { kind: 'status', status: 404 });
    await refusedOver('http.yaml', [`${srv.origin}${TOOL_APK}`, 'HTTP 404']);
  });

  hostile('network/package-reset-once', 'a connection reset in the middle of a package is retried and the build gives the clean digest', async () => {
    srv.reset();
    srv.fault(BASE_APK, { kind: 'reset', afterBytes: 100, times: 1 });
    await ridesOut();
    expect(http.seenFor(BASE_APK).map((s) => s.answered)).toEqual(['reset', '200']);
  });

  hostile('network/package-reset-always', 'a package whose connection is always reset mid-body is refused after the retries, naming the URL', async () => {
    srv.reset();
    srv.fault(BASE_APK, { kind: 'reset', afterBytes: 100 });
    await refusedOver('http.yaml', [`${srv.origin}${BASE_APK}`, 'failed after 5 attempts']);
  });

  hostile('network/index-stall-deadline', 'an index server that sends headers and then nothing is given up at the --fetch-timeout deadline, naming the URL', async () => {
    srv.reset();
    srv.fault(INDEX, { kind: 'stall' });
    const cache = http.freshCache();
    let took = 0;
    await sb.refuses(
      async () => {
        const started = Date.now();
        const r = await http.build('http.yaml', cache, ['--fetch-timeout', '2s']);
        took = Date.now() - started;
        return r;
      },
      { names: [`${srv.origin}${INDEX}`, 'did not finish within 2s (the fetch deadline)', '--fetch-timeout'] },
    );
    expect(took, 'the refused build ends soon after the deadline').toBeLessThan(20_000);
    await http.expectCacheGood(cache);
  });

  hostile('network/package-trickle-deadline', 'a package trickled one byte at a time is ended by the deadline from APKO_NX_FETCH_TIMEOUT, naming the URL', async () => {
    srv.reset();
    srv.fault(BASE_APK, { kind: 'trickle', intervalMs: 50 });
    await refusedOver('http.yaml', [`${srv.origin}${BASE_APK}`, 'did not finish within 2s (the fetch deadline), while reading the body'], [], { APKO_NX_FETCH_TIMEOUT: '2s' });
  });

  hostile('network/index-slowloris-deadline', 'an index server whose headers never end is given up at the deadline', async () => {
    srv.reset();
    srv.fault(INDEX, { kind: 'slowloris', intervalMs: 50 });
    await refusedOver('http.yaml', [`${srv.origin}${INDEX}`, 'did not finish within 2s (the fetch deadline)'], ['--fetch-timeout', '2s']);
  });

  hostile('network/package-stall-once-retried', 'a package that stalls once is given up after --stall-timeout, retried, and the build gives the clean digest', async () => {
    srv.reset();
    srv.fault(BASE_APK, { kind: 'stall', times: 1 });
    const r = await http.buildScratch('http.yaml', http.freshCache(), ['--stall-timeout', '1s', '--fetch-timeout', '60s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.digest).toBe(http.digest);
    expect(http.seenFor(BASE_APK).map((s) => s.answered)).toEqual(['stall', '200']);
  });

  hostile('network/lock-stall-deadline', 'lock keeps the same deadline as build: a stalled index is refused at --fetch-timeout', async () => {
    srv.reset();
    srv.fault(INDEX, { kind: 'stall' });
    const cache = http.freshCache();
    await sb.refuses(() => sb.runAsync(['lock', 'http.yaml', '--output', join(sb.out, 'never.lock.json'), '--cache-dir', cache, '--fetch-timeout', '2s']), {
      names: [`${srv.origin}${INDEX}`, 'the fetch deadline'],
    });
    await http.expectCacheGood(cache);
  });

  hostile('network/fetch-timeout-not-a-duration', 'a --fetch-timeout that is not a duration is refused before anything is fetched, naming the flag', async () => {
    srv.reset();
    await sb.refuses(() => http.build('http.yaml', http.freshCache(), ['--fetch-timeout', 'soon']), { names: ['--fetch-timeout', '"soon"'], says: /hint: .*30s, 5m/ });
    expect(srv.seen).toEqual([]);
  });

  hostile('network/package-length-longer', 'a package whose Content-Length promises more than the server sends is retried, then refused naming the URL', async () => {
    srv.reset();
    srv.fault(BASE_APK, { kind: 'length', delta: 100 });
    await refusedOver('http.yaml', [`${srv.origin}${BASE_APK}`, 'failed after 5 attempts']);
  });

  hostile('network/package-length-shorter', 'a package whose Content-Length is shorter than the file (its data cut short) is refused, naming the package URL', async () => {
    srv.reset();
    srv.fault(BASE_APK, { kind: 'length', delta: -200 });
    await refusedOver('http.yaml', ['test-baselayout-1.0.0-r0', `${srv.origin}${BASE_APK}`]);
  });

  hostile('network/package-other-bytes', "another package's bytes served under a package's name are refused by the index's C: checksum", async () => {
    srv.reset();
    const tool = (await import('node:fs')).readFileSync(join(sb.ws.repo, TOOL_APK));
    srv.fault(BASE_APK, { kind: 'body', bytes: tool });
    await refusedOver('http.yaml', ['test-baselayout-1.0.0-r0', `${srv.origin}${BASE_APK}`, 'checksum']);
  });

  hostile('network/encoding-header-only', 'a Content-Encoding: gzip header on bytes sent as they are is ignored: the bytes are verified as served and the build gives the clean digest', async () => {
    srv.reset();
    srv.fault(INDEX, { kind: 'encoding', wire: 'as-is' });
    srv.fault(BASE_APK, { kind: 'encoding', wire: 'as-is' });
    await ridesOut();
  });

  hostile('network/encoding-gzipped-package', 'a package gzipped again on the wire is not decoded: it is refused by its checksum, naming the package', async () => {
    srv.reset();
    srv.fault(BASE_APK, { kind: 'encoding', wire: 'gzip' });
    await refusedOver('http.yaml', ['test-baselayout-1.0.0-r0', `${srv.origin}${BASE_APK}`, 'are not an APK package']);
  });

  hostile('network/encoding-gzipped-index', 'an index gzipped again on the wire is not decoded: it is refused, naming the index', async () => {
    srv.reset();
    srv.fault(INDEX, { kind: 'encoding', wire: 'gzip' });
    await refusedOver('http.yaml', [`${srv.origin}${INDEX}`, 'not a valid repository index']);
  });

  hostile('network/redirect-loop', 'an index that redirects forever is refused after 10 redirects, naming the URL', async () => {
    srv.reset();
    srv.fault(INDEX, { kind: 'redirect', to: '/loop/{n}' });
    srv.fault(/^\/loop\//, { kind: 'redirect', to: `${INDEX}` });
    await refusedOver('http.yaml', [`${srv.origin}${INDEX}`, 'redirected more than 10 times']);
  });

  hostile('network/redirect-other-host-no-credentials', 'URL credentials go to the repository only: a redirect to 127.0.0.2 gets the files and no Authorization', async () => {
    srv.reset();
    const mirror = await startFaultServer(sb.ws.repo, { host: '127.0.0.2' });
    others.push(mirror);
    // Every file of the repository redirects to the same path on the mirror.
    srv.fault(INDEX, { kind: 'redirect', to: `${mirror.origin}${INDEX}` });
    srv.fault(BASE_APK, { kind: 'redirect', to: `${mirror.origin}${BASE_APK}` });
    srv.fault(TOOL_APK, { kind: 'redirect', to: `${mirror.origin}${TOOL_APK}` });
    const host = srv.origin.slice('http://'.length);
    sb.write('redirect-creds.yaml', http.config(`http://robot:hunter2@${host}`));
    const r = await http.buildScratch('redirect-creds.yaml', http.freshCache());
    expect(r.code, r.stderr).toBe(0);
    const basic = `Basic ${Buffer.from('robot:hunter2').toString('base64')}`;
    expect(srv.seen.map((s) => s.authorization)).toEqual(srv.seen.map(() => basic));
    expect(mirror.seen.map((s) => s.path).sort()).toEqual([BASE_APK, INDEX, TOOL_APK].sort());
    expect(mirror.seen.filter((s) => s.authorization !== undefined)).toEqual([]);
  });

  hostile('network/redirect-other-port-no-http-auth', 'HTTP_AUTH credentials for the repository do not follow a redirect to another origin (same host, other port)', async () => {
    srv.reset();
    const mirror = await startFaultServer(sb.ws.repo);
    others.push(mirror);
    srv.fault(INDEX, { kind: 'redirect', to: `${mirror.origin}${INDEX}`, status: 307 });
    const host = srv.origin.slice('http://'.length);
    const r = await http.buildScratch('http.yaml', http.freshCache(), [], { HTTP_AUTH: `basic:${host}:robot:hunter2` });
    expect(r.code, r.stderr).toBe(0);
    expect(http.seenFor(INDEX)[0]!.authorization).toBe(`Basic ${Buffer.from('robot:hunter2').toString('base64')}`);
    expect(mirror.seen.map((s) => [s.path, s.authorization])).toEqual([[INDEX, undefined]]);
  });

  hostile('network/index-huge-declared', 'an index that declares a body beyond the index size limit is refused before the body is read, naming the URL', async () => {
    srv.reset();
    srv.fault(INDEX, { kind: 'huge', declared: 400 * 1024 * 1024 });
    await refusedOver('http.yaml', [`${srv.origin}${INDEX}`, 'is larger than'], ['--fetch-timeout', '60s']);
    expect(http.seenFor(INDEX), 'refused at once, not retried').toHaveLength(1);
  });

  hostile('network/package-huge-declared', 'a package that declares more than the package size limit is refused before the body is read, naming the URL', async () => {
    srv.reset();
    srv.fault(BASE_APK, { kind: 'huge', declared: 3 * 1024 ** 3 });
    await refusedOver('http.yaml', [`${srv.origin}${BASE_APK}`, 'is larger than'], ['--fetch-timeout', '60s']);
  });

  hostile('network/unreachable', 'a repository nobody listens on is retried, then refused naming the URL', async () => {
    const gone = await startFaultServer(sb.ws.repo);
    await gone.stop();
    sb.write('gone.yaml', http.config(gone.origin));
    await refusedOver('gone.yaml', [`${gone.origin}${INDEX}`, 'ECONNREFUSED']);
  });

  hostile('network/index-etag-304', 'an index cached with its ETag is revalidated: the 304 keeps the cached copy and the build gives the clean digest', async () => {
    srv.reset();
    srv.etags = true;
    try {
      const cache = http.freshCache();
      expect((await http.buildScratch('http.yaml', cache)).digest).toBe(http.digest);
      const second = await http.buildScratch('http.yaml', cache);
      expect(second.code, second.stderr).toBe(0);
      expect(second.digest).toBe(http.digest);
      const asks = http.seenFor(INDEX);
      expect(asks.map((s) => s.answered)).toEqual(['200', '304']);
      expect(asks[1]!.ifNoneMatch).toMatch(/^"[0-9a-f]{16}"$/);
    } finally {
      srv.etags = false;
    }
  });

  hostile('network/index-etag-changed', 'an index that changed since its ETag was cached is fetched again: a package only the new index has installs', async () => {
    srv.reset();
    srv.etags = true;
    const next = mkdtempSync(join(tmpdir(), 'hostile-next-repo-'));
    try {
      const cache = http.freshCache();
      expect((await http.buildScratch('http.yaml', cache)).digest).toBe(http.digest);
      const NEWPKG: PackageSpec = { ...TOOL, name: 'test-newer', files: [{ path: 'usr/bin/newer', type: 'file', mode: 0o755, data: 'new\n' }] };
      mkdirSync(next, { recursive: true });
      await writeLocalRepository(next, { key: sb.ws.key, archs: ['x86_64'], packages: [BASELAYOUT, TOOL, NEWPKG] });
      srv.root = next;
      sb.write('newer.yaml', http.config(srv.origin, { packages: ['test-tool', 'test-newer'] }));
      const r = await http.buildScratch('newer.yaml', cache);
      expect(r.code, r.stderr).toBe(0);
      const asks = http.seenFor(INDEX);
      expect(asks.map((s) => s.answered)).toEqual(['200', '200']);
      expect(asks[1]!.ifNoneMatch).toBeDefined();
    } finally {
      srv.root = sb.ws.repo;
      srv.etags = false;
      rmSync(next, { recursive: true, force: true });
    }
  });
});
