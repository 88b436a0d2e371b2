import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { formatIndexText } from '../../engine/apk/index-text';
import { startServer, type TestServer } from '../../engine/repo/testdata/server';
import { forgeIndex, forgeTar, gzip, indexEntryFor, rawEntryBytes, type ForgedApk } from './support/forge';
import { PeakMemory, zeroBombMember } from './support/integrity-bombs';
import { hostile, Sandbox } from './support/sandbox';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/**
 * Decompression bombs and size limits: every stream a build inflates (a
 * package's signature, control and data members; the index) is inflated
 * under a limit, so a bomb is refused early and in bounded memory, with a
 * message naming the package or index, the limit, and the flag that raises
 * it. The bombs are valid gzip (right CRC and length): only a limit stops them.
 */
describe('hostile: decompression bombs and size limits', () => {
  let sb: Sandbox;
  let memory: PeakMemory;
  beforeAll(async () => {
    sb = await Sandbox.create();
    memory = new PeakMemory();
  });
  afterAll(() => memory.dispose());

  /** `build <config> hostile:1 <out>` without blocking the test worker (a sync run of a loaded machine can outlast its RPC timeout). */
  const build = (config: string, extra: readonly string[] = []) => sb.runAsync(['build', config, 'hostile:1', sb.out, ...extra]);

  const EVIL_FILE = { name: 'usr/bin/evil', mode: 0o755, data: '#!/bin/sh\necho evil\n' };

  function caseWith(name: string, apk: ForgedApk, rawIndex?: Buffer): string {
    const repo = sb.repository(name, [{ apk }], rawIndex ? { rawIndex } : {});
    sb.write(`${name}.yaml`, sb.config({ repositories: [repo], packages: ['evil'] }));
    return `${name}.yaml`;
  }

  /** A data member: a tar header declaring one file of `zeros` bytes, then the zeros (the datahash is right: the package is vouched for). */
  const dataBomb = (zeros: number) => zeroBombMember(zeros, rawEntryBytes({ name: 'usr/share/big', declaredSize: zeros, noSha1: true }));

  /** Runs `args` with the peak memory measured; returns the run and the peak in bytes. */
  async function measured(args: readonly string[]) {
    const started = Date.now();
    const r = await sb.runAsync(args, memory.env());
    return { r, seconds: (Date.now() - started) / 1000, peak: memory.peak() };
  }

  hostile(
    'bombs/data-over-default-limit',
    'a signed package whose data inflates to 4 GiB is refused at the 1 GiB default, in bounded memory, naming the package, the limit and --max-apk-data-size',
    async () => {
      const config = caseWith('data-default', sb.apk({ name: 'evil', dataMember: dataBomb(4 * GIB) }));
      let run: Awaited<ReturnType<typeof measured>> | undefined;
      await sb.refuses(async () => (run = await measured(['build', config, 'hostile:1', sb.out])).r, {
        names: ['evil-1.0.0-r0', 'data-default/x86_64/evil-1.0.0-r0.apk', 'more than 1073741824 bytes', '--max-apk-data-size'],
      });
      expect(run!.peak, `peak memory ${run!.peak} bytes`).toBeLessThan(1.75 * GIB);
    },
    240_000,
  );

  hostile(
    'bombs/data-bounded-memory',
    'with --max-apk-data-size 64 MiB, a 4 GiB data bomb is refused within seconds and under 400 MiB of memory',
    async () => {
      const config = caseWith('data-bounded', sb.apk({ name: 'evil', dataMember: dataBomb(4 * GIB) }));
      let run: Awaited<ReturnType<typeof measured>> | undefined;
      await sb.refuses(async () => (run = await measured(['build', config, 'hostile:1', sb.out, `--max-apk-data-size=${64 * MIB}`])).r, {
        names: ['evil-1.0.0-r0', `more than ${64 * MIB} bytes`, '--max-apk-data-size'],
      });
      expect(run!.peak, `peak memory ${run!.peak} bytes`).toBeLessThan(400 * MIB);
      expect(run!.seconds, 'refused within 30 s').toBeLessThan(30);
    },
    120_000,
  );

  hostile('bombs/data-zero-padding', 'a data section of a tiny tar padded with 256 MiB of zeros is refused by the data limit', async () => {
    const config = caseWith('data-padding', sb.apk({ name: 'evil', dataMember: zeroBombMember(256 * MIB, forgeTar([EVIL_FILE])) }));
    await sb.refuses(() => build(config, [`--max-apk-data-size=${16 * MIB}`]), { names: ['evil-1.0.0-r0', `more than ${16 * MIB} bytes`, '--max-apk-data-size'] });
  });

  /** A control member: a good .PKGINFO, then an entry declaring `zeros` bytes of zeros. */
  function controlBomb(zeros: number, datahashOf: Buffer): Buffer {
    const pkginfo = `pkgname = evil\npkgver = 1.0.0-r0\narch = x86_64\nsize = 0\ndatahash = ${sha256Hex(datahashOf)}\n`;
    const prefix = Buffer.concat([rawEntryBytes({ name: '.PKGINFO', data: pkginfo, noSha1: true }), rawEntryBytes({ name: '.melange.yaml', declaredSize: zeros, noSha1: true }).subarray(0, 512)]);
    return zeroBombMember(zeros, prefix);
  }

  hostile('bombs/control-bomb', 'a control section inflating to 256 MiB is refused at the 10 MiB control limit, naming the package and --max-apk-control-size', async () => {
    const data = gzip(forgeTar([EVIL_FILE]));
    const config = caseWith('control-bomb', sb.apk({ name: 'evil', dataMember: data, controlMember: controlBomb(256 * MIB, data) }));
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', 'control-bomb/x86_64/evil-1.0.0-r0.apk', 'more than 10485760 bytes', '--max-apk-control-size'] });
  });

  hostile('bombs/signature-bomb', 'a signature member inflating to 256 MiB is refused at the control limit before anything is verified', async () => {
    const apk = sb.apk({ name: 'evil', entries: [EVIL_FILE], sign: 'none' });
    const bomb = zeroBombMember(256 * MIB, rawEntryBytes({ name: `.SIGN.RSA256.${sb.ws.key.publicKeyName}`, declaredSize: 256 * MIB, noSha1: true }).subarray(0, 512));
    const config = caseWith('signature-bomb', { ...apk, bytes: Buffer.concat([bomb, apk.bytes]) });
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', 'signature-bomb/x86_64/evil-1.0.0-r0.apk', 'more than 10485760 bytes', '--max-apk-control-size'] });
  });

  hostile('bombs/control-limit-raised', 'a control section of 12 MiB is refused by default and installs with --max-apk-control-size raised', async () => {
    const data = gzip(forgeTar([EVIL_FILE]));
    const big = { name: '.melange.yaml', data: Buffer.alloc(12 * MIB, 'a'), noSha1: true };
    const config = caseWith('control-raised', sb.apk({ name: 'evil', dataMember: data, controlEntries: [big] }));
    await sb.refuses(() => build(config), { names: ['evil-1.0.0-r0', '--max-apk-control-size'] });
    const out = mkdtempSync(join(tmpdir(), 'hostile-control-raised-'));
    try {
      const r = await sb.runAsync(['build', config, 'hostile:1', `${out}/`, `--max-apk-control-size=${32 * MIB}`]);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  /** A signed index whose member holds the real APKINDEX, then a DESCRIPTION of `zeros` zeros. */
  function indexBomb(apk: ForgedApk, zeros: number): Buffer {
    const text = rawEntryBytes({ name: 'APKINDEX', data: formatEntry(apk), noSha1: true });
    const member = zeroBombMember(zeros, Buffer.concat([text, rawEntryBytes({ name: 'DESCRIPTION', declaredSize: zeros, noSha1: true }).subarray(0, 512)]));
    const signed = forgeIndex([], { sign: sb.ws.key, signOver: member });
    return Buffer.concat([signed.signature!, member]);
  }

  hostile('bombs/index-over-default-limit', 'a signed index inflating to 512 MiB is refused at the 300 MiB default, naming the index and --max-apkindex-decompressed-size', async () => {
    const apk = sb.apk({ name: 'evil', entries: [EVIL_FILE] });
    const config = caseWith('index-default', apk, indexBomb(apk, 512 * MIB));
    await sb.refuses(() => sb.runAsync(['build', config, 'hostile:1', sb.out]), {
      names: ['index-default/x86_64/APKINDEX.tar.gz', 'more than 314572800 bytes', '--max-apkindex-decompressed-size'],
    });
  }, 120_000);

  hostile('bombs/index-explicit-limit', 'with --max-apkindex-decompressed-size 1 MiB, an index inflating to 8 MiB is refused', async () => {
    const apk = sb.apk({ name: 'evil', entries: [EVIL_FILE] });
    const config = caseWith('index-explicit', apk, indexBomb(apk, 8 * MIB));
    await sb.refuses(() => build(config, [`--max-apkindex-decompressed-size=${MIB}`]), { names: ['index-explicit/x86_64/APKINDEX.tar.gz', `more than ${MIB} bytes`] });
  });

  hostile('bombs/index-signature-member-bomb', "an index whose first (signature) member is a bomb is refused under the index limit, before any key is tried", async () => {
    const apk = sb.apk({ name: 'evil', entries: [EVIL_FILE] });
    const bomb = zeroBombMember(64 * MIB, rawEntryBytes({ name: `.SIGN.RSA256.${sb.ws.key.publicKeyName}`, declaredSize: 64 * MIB, noSha1: true }).subarray(0, 512));
    const config = caseWith('index-sig-bomb', apk, Buffer.concat([bomb, forgeIndex([indexEntryFor(apk)]).bytes]));
    await sb.refuses(() => build(config, [`--max-apkindex-decompressed-size=${4 * MIB}`]), {
      names: ['index-sig-bomb/x86_64/APKINDEX.tar.gz', `more than ${4 * MIB} bytes`, '--max-apkindex-decompressed-size'],
    });
  });

  hostile('bombs/limit-not-a-number', 'a limit flag that is not a number of bytes is refused, naming the flag', async () => {
    await sb.refuses(() => build('apko.yaml', ['--max-apk-data-size=lots']), { names: ['--max-apk-data-size', '"lots"'] });
  });

  hostile('bombs/limit-show-packages', 'show-packages reads indexes under the same limit and flag', async () => {
    const apk = sb.apk({ name: 'evil', entries: [EVIL_FILE] });
    const config = caseWith('index-show', apk, indexBomb(apk, 8 * MIB));
    await sb.refuses(() => sb.runAsync(['show-packages', config, `--max-apkindex-decompressed-size=${MIB}`]), { names: ['index-show/x86_64/APKINDEX.tar.gz', '--max-apkindex-decompressed-size'] });
  });

  describe('over HTTP (127.0.0.1)', () => {
    let server: TestServer;
    let apk: ForgedApk;
    beforeAll(async () => {
      // An incompressible file: the package is larger than 64 KiB, its index a few hundred bytes.
      apk = sb.apk({ name: 'evil', entries: [EVIL_FILE, { name: 'usr/share/noise', data: randomBytes(64 * 1024) }] });
      server = await startServer(sb.repository('served', [{ apk }]));
      sb.write('served.yaml', sb.config({ repositories: [server.origin], packages: ['evil'] }));
    });
    afterAll(() => server.close());

    hostile('bombs/http-package-over-limit', 'a package larger than --max-http-response-size is refused, naming its URL and the flag', async () => {
      await sb.refuses(() => sb.runAsync(['build', 'served.yaml', 'hostile:1', sb.out, `--max-http-response-size=${32 * 1024}`]), {
        names: [`${server.origin}/x86_64/evil-1.0.0-r0.apk`, `larger than ${32 * 1024} bytes`, '--max-http-response-size'],
      });
    });

    hostile('bombs/http-index-over-limit', 'an index larger than --max-http-response-size is refused, naming its URL and the flag', async () => {
      // A cache of its own: the sandbox's cache already holds this index, and a revalidated copy is not fetched again.
      const cache = mkdtempSync(join(tmpdir(), 'hostile-http-cache-'));
      try {
        await sb.refuses(() => sb.runAsync(['build', 'served.yaml', 'hostile:1', sb.out, '--max-http-response-size=64', '--cache-dir', cache]), {
          names: [`${server.origin}/x86_64/APKINDEX.tar.gz`, 'larger than 64 bytes', '--max-http-response-size'],
        });
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    });
  });
});

const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const formatEntry = (apk: ForgedApk) => formatIndexText([indexEntryFor(apk)]);
