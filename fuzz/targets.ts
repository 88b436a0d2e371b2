/**
 * What the fuzzer feeds and what it expects back. Each target names one
 * reader of untrusted bytes, its seeds (real fixture bytes when ../shared is
 * there, and inputs made by the project's own writers always), how to mutate
 * a seed, and how to call the reader. A reader may return or throw one of
 * the engine's own typed errors; anything else is a finding, and so is a
 * broken property where a target states one (a round trip, an order law).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { splitMembers } from '../engine/apk/gzip-members';
import { formatDependency, parseDependency, parseProvides } from '../engine/apk/dependency';
import { writeApkIndex } from '../engine/apk/index-write';
import { readApkIndex } from '../engine/apk/index-read';
import { formatIndexText, parseIndexText } from '../engine/apk/index-text';
import { readApkBytes } from '../engine/apk/package-read';
import { writeApk } from '../engine/apk/package-write';
import { samplePackage } from '../engine/apk/testdata/sample-package';
import { parsePkgInfo } from '../engine/apk/pkginfo';
import { compareVersions, isValidVersion, satisfies } from '../engine/apk/version';
import { parseConfigText } from '../engine/config/parse';
import { readTar } from '../engine/tar/read';
import { mutateBytes, mutateInside, mutateText, stack } from './mutate';
import type { Random } from './random';

/** A broken law (not a crash): the reader returned, but what it returned is wrong. */
export class PropertyFailure extends Error {}

/** One reader under test. */
export interface FuzzTarget {
  readonly name: string;
  /** Seed inputs; loaded once per run. */
  seeds(): Buffer[];
  /** A new input from the seeds. */
  generate(seeds: readonly Buffer[], rng: Random): Buffer;
  /** Calls the reader; throws what the reader throws, or a PropertyFailure. */
  run(input: Buffer): unknown;
}

const FIXTURES = resolve(__dirname, '..', '..', 'shared', 'fixtures');

/** Fixture files under ../shared/fixtures/<dir> ending in `suffix`, or none when the fixtures are absent. */
function fixtureFiles(dir: string, suffix: string): Buffer[] {
  const d = join(FIXTURES, dir);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => f.endsWith(suffix))
    .map((f) => readFileSync(join(d, f)));
}

/** A small but complete package made by the project's own writer: a seed that is always there. */
const ownPackage = (): Buffer => writeApk(samplePackage());

const ALPINE_INDEX = join(FIXTURES, 'alpine-v3.16-x86_64', 'APKINDEX.tar.gz');

/** The first `n` stanzas of the real Alpine index (kept small so each call is fast), or none. */
function indexTextSeed(n: number): string[] {
  if (!existsSync(ALPINE_INDEX)) return [];
  const text = readApkIndex(readFileSync(ALPINE_INDEX), { ignoreSignatures: true });
  return [formatIndexText(text.entries.slice(0, n))];
}

const OWN_INDEX_TEXT = formatIndexText([
  {
    name: 'seed',
    version: '1.2.3-r4',
    arch: 'x86_64',
    size: 1234,
    installedSize: 4096,
    description: 'a fuzz seed',
    url: 'https://example.test/',
    license: 'MIT',
    origin: 'seed',
    buildTime: 1700000000,
    depends: ['so:libc.musl-x86_64.so.1', 'busybox>=1.36'],
    provides: ['cmd:seed=1.2.3-r4'],
    installIf: [],
    replaces: [],
    checksum: 'Q1aGVsbG8gd29ybGQgaGVsbG8gd29ybGQhISE=',
  },
]);

function indexFields(letters: string): string[] {
  const out: string[] = [];
  for (const text of [...indexTextSeed(400), OWN_INDEX_TEXT]) {
    for (const line of text.split('\n')) if (letters.includes(line[0] ?? '') && line[1] === ':') out.push(...line.slice(2).split(' ').filter(Boolean));
  }
  return out;
}

const text = (b: Buffer) => b.toString('latin1');

/** JSON with object keys in one order, so equal records compare equal whatever order their fields were set in. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/** Version strings: parse, compare and match; compare is antisymmetric and reflexive. */
const versions: FuzzTarget = {
  name: 'version',
  seeds: () => [...new Set([...indexFields('V'), '1.0', '1.0.1', '1.06-r1', '2.0_rc1-r0', '1.2.3_git20230101', '0', 'a'])].map((v) => Buffer.from(v)),
  generate: (seeds, rng) => {
    const a = stack(text(rng.pick(seeds)), rng, mutateText, rng.int(3));
    const b = rng.chance(0.5) ? text(rng.pick(seeds)) : stack(a, rng, mutateText, 1);
    return Buffer.from(`${a}\u0000${b}`, 'latin1');
  },
  run: (input) => {
    const [a = '', b = ''] = text(input).split('\u0000');
    const ab = compareVersions(a, b);
    const ba = compareVersions(b, a);
    if (ab !== -ba) throw new PropertyFailure(`compare(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${ab} but the reverse gives ${ba}`);
    if (isValidVersion(a) && compareVersions(a, a) !== 0) throw new PropertyFailure(`${JSON.stringify(a)} does not equal itself`);
    for (const op of ['=', '<', '<=', '>', '>=', '~', '=~'] as const) satisfies(a, op, b);
    return ab;
  },
};

/** Dependency atoms and provides: a parsed atom formats back to an atom that parses the same. */
const dependencies: FuzzTarget = {
  name: 'dependency',
  seeds: () => [...new Set([...indexFields('Dpi'), 'so:libc.so.6', 'foo>=1.0', '!bar<2', 'baz~1.2', 'q=~3@edge', 'cmd:sh'])].map((v) => Buffer.from(v)),
  generate: (seeds, rng) => Buffer.from(stack(text(rng.pick(seeds)), rng, mutateText), 'latin1'),
  run: (input) => {
    const atom = text(input);
    try {
      parseProvides(atom, 'fuzz');
    } catch (e) {
      void e;
    }
    const d = parseDependency(atom, 'fuzz');
    const again = parseDependency(formatDependency(d), 'fuzz');
    const key = (x: typeof d) => JSON.stringify([x.name, x.op, x.version, x.conflict, x.tag]);
    if (key(again) !== key(d)) throw new PropertyFailure(`${JSON.stringify(atom)} parses as ${key(d)} but its formatted form parses as ${key(again)}`);
    return d;
  },
};

function pkginfoOf(apk: Buffer): Buffer | undefined {
  try {
    const members = splitMembers(apk);
    for (const m of members) {
      const entries = readTar(m.content, 'seed');
      const e = entries.find((x) => x.name === '.PKGINFO');
      if (e) return e.data;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

const packageSeeds = () => [ownPackage(), ...fixtureFiles('packages', '.apk')];

/** .PKGINFO text. */
const pkginfo: FuzzTarget = {
  name: 'pkginfo',
  seeds: () => packageSeeds().map(pkginfoOf).filter((b): b is Buffer => b !== undefined),
  generate: (seeds, rng) => Buffer.from(stack(text(rng.pick(seeds)), rng, mutateText), 'latin1'),
  run: (input) => parsePkgInfo(input.toString('utf8'), 'fuzz/.PKGINFO'),
};

/** APKINDEX text: what parses formats back to text that parses the same. */
const indexText: FuzzTarget = {
  name: 'index-text',
  seeds: () => [...indexTextSeed(40), OWN_INDEX_TEXT].map((t) => Buffer.from(t)),
  generate: (seeds, rng) => Buffer.from(stack(text(rng.pick(seeds)), rng, mutateText), 'latin1'),
  run: (input) => {
    const entries = parseIndexText(input.toString('utf8'), 'fuzz/APKINDEX');
    const again = parseIndexText(formatIndexText(entries), 'fuzz/APKINDEX');
    if (canonical(again) !== canonical(entries)) throw new PropertyFailure('the parsed index does not survive formatting and parsing again');
    return entries;
  },
};

/** Whole APKINDEX.tar.gz files (signatures ignored: the container and text readers are the target). */
const index: FuzzTarget = {
  name: 'index',
  seeds: () => [writeApkIndex(parseIndexText(OWN_INDEX_TEXT)), ...fixtureFiles('rsa256-signed', '.tar.gz'), ...fixtureFiles('multi-signed', '.tar.gz')],
  generate: (seeds, rng) => {
    const seed = rng.pick(seeds);
    if (rng.chance(0.5)) return stack(seed, rng, mutateBytes);
    const members = splitMembers(seed);
    const i = rng.int(members.length);
    const inner = mutateInside(members[i]!.raw, rng, (c) => stack(c, rng, mutateBytes)) ?? members[i]!.raw;
    return Buffer.concat(members.map((m, j) => (j === i ? inner : m.raw)));
  },
  run: (input) => readApkIndex(input, { ignoreSignatures: true, subject: 'fuzz/APKINDEX.tar.gz' }),
};

/** Concatenated gzip members. */
const gzip: FuzzTarget = {
  name: 'gzip-members',
  seeds: packageSeeds,
  generate: (seeds, rng) => stack(rng.pick(seeds), rng, mutateBytes),
  run: (input) => splitMembers(input, { maxMemberSize: 64 * 1024 * 1024, subject: 'fuzz' }),
};

/** Tar archives: the data sections of real packages, damaged header by header. */
const tar: FuzzTarget = {
  name: 'tar',
  seeds: () => packageSeeds().flatMap((p) => splitMembers(p).map((m) => m.content)),
  generate: (seeds, rng) => {
    const seed = rng.pick(seeds);
    // Aim most damage at header blocks, where the parser's decisions are.
    if (rng.chance(0.7) && seed.length >= 512) {
      const b = Buffer.from(seed);
      const block = rng.int(Math.floor(b.length / 512)) * 512;
      const field = rng.pick([0, 100, 108, 116, 124, 136, 148, 156, 157, 257, 265, 297, 329, 337, 345]);
      const value = Buffer.from(rng.pick(['\0', '7777777', '99999999999', 'x', '\xff\xff', '-1', ' ', '0000000000000000000000', 'L', 'K', 'x', 'g', '5', '2']), 'latin1');
      value.copy(b, block + field, 0, Math.min(value.length, b.length - block - field));
      return b;
    }
    return stack(seed, rng, mutateBytes);
  },
  run: (input) => readTar(input, 'fuzz.tar'),
};

/** Whole packages, damaged inside their members (recompressed) or as bytes; verification errors are typed. */
const apk: FuzzTarget = {
  name: 'package',
  seeds: packageSeeds,
  generate: (seeds, rng) => {
    const seed = rng.pick(seeds);
    if (rng.chance(0.3)) return stack(seed, rng, mutateBytes);
    const members = splitMembers(seed);
    const i = rng.int(members.length);
    const inner =
      mutateInside(members[i]!.raw, rng, (c) => {
        const pk = c.indexOf('.PKGINFO');
        if (pk >= 0 && rng.chance(0.5)) {
          const textStart = pk - (pk % 512) + 512;
          const mutated = Buffer.from(mutateText(c.subarray(textStart).toString('latin1'), rng), 'latin1');
          return Buffer.concat([c.subarray(0, textStart), mutated.subarray(0, c.length - textStart)]);
        }
        return stack(c, rng, mutateBytes);
      }) ?? members[i]!.raw;
    return Buffer.concat(members.map((m, j) => (j === i ? inner : m.raw)));
  },
  run: (input) => readApkBytes(input, { subject: 'fuzz.apk', maxDataSize: 64 * 1024 * 1024, maxControlSize: 1024 * 1024 }),
};

/** apko.yaml text (one file: parse, schema, normalisation). */
const config: FuzzTarget = {
  name: 'config',
  seeds: () => {
    const own = Buffer.from(
      'contents:\n  repositories:\n    - https://dl-cdn.alpinelinux.org/alpine/v3.20/main\n  keyring:\n    - key.rsa.pub\n  packages:\n    - alpine-base\n    - curl>=8\nentrypoint:\n  command: /bin/sh -l\nenvironment:\n  PATH: /usr/bin:/bin\naccounts:\n  groups:\n    - groupname: app\n      gid: 1000\n  users:\n    - username: app\n      uid: 1000\n      gid: 1000\n  run-as: app\npaths:\n  - path: /data\n    type: directory\n    uid: 1000\n    gid: 1000\n    permissions: 0o755\narchs: [x86_64, aarch64]\nannotations:\n  org.opencontainers.image.title: seed\n',
    );
    return [own, ...fixtureFiles('apko-examples', '.yaml')];
  },
  generate: (seeds, rng) => Buffer.from(stack(text(rng.pick(seeds)), rng, mutateText), 'latin1'),
  run: (input) => parseConfigText(input.toString('utf8'), 'fuzz/apko.yaml'),
};

/** Every target, in the order a run visits them. */
export const TARGETS: readonly FuzzTarget[] = [versions, dependencies, pkginfo, indexText, index, gzip, tar, apk, config];

