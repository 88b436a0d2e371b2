import { describe, expect, it } from 'vitest';
import { buildRootfs } from './build-rootfs';
import { INSTALLED_DB, parseInstalled } from './installed-db';
import { replacesPairs } from './layer-facts';
import { APKO_JSON, pretendBaselayout, replayout } from './testdata/golden-packages';
import { file, makePackage } from './testdata/make-package';

const pkg = (name: string, version: string, replaces: string[] = []) => makePackage({ name, version, replaces, entries: [file(`usr/share/${name}`, name)] });

describe('replacesPairs', () => {
  it.each([
    ['a bare name', 'old', [['new', 'old']]],
    ['a version the installed one satisfies', 'old<2', [['new', 'old']]],
    ['the exact installed version', 'old=1.5-r0', [['new', 'old']]],
    ['a fuzzy prefix of the installed version', 'old~1.5', [['new', 'old']]],
    ['a pinned name, its tag ignored', 'old@edge', [['new', 'old']]],
  ])('joins a package to the one it replaces given %s', (_, atom, pairs) => {
    expect(replacesPairs([pkg('old', '1.5-r0'), pkg('new', '2-r0', [atom])])).toEqual(pairs);
  });

  it.each([
    ['a version the installed one does not satisfy', 'old>=2'],
    ['a package that is not installed', 'gone'],
    ['an atom that does not parse (apko reads it as a name no package has)', 'old>=x!'],
  ])('joins nothing given %s', (_, atom) => {
    expect(replacesPairs([pkg('old', '1.5-r0'), pkg('new', '2-r0', [atom])])).toEqual([]);
  });
});

describe('buildRootfs facts', () => {
  const result = buildRootfs({
    arch: 'x86_64',
    packages: [pretendBaselayout(), replayout()],
    world: ['pretend-baselayout=1.0.0-r0', 'replayout=1.0.0-r0'],
    repositories: [],
    keys: new Map(),
    apkoJson: APKO_JSON,
    buildDate: 0,
  });

  it('reports each package with its declared origin and installed size, in install order', () => {
    expect(result.facts.packages.map(({ name, version, origin, installedSize }) => ({ name, version, origin, installedSize }))).toEqual(
      result.installed.map((p) => ({ name: p.pkginfo.pkgname, version: p.pkginfo.pkgver, origin: p.pkginfo.origin ?? '', installedSize: p.pkginfo.size })),
    );
  });

  it('gives each package the stanza the installed database holds for it, so the stanzas joined are the database', () => {
    const db = result.tree.readFile(INSTALLED_DB)!;
    expect(Buffer.concat(result.facts.packages.map((p) => p.stanza)).equals(db)).toBe(true);
    for (const p of result.facts.packages) {
      const [record, ...rest] = parseInstalled(p.stanza.toString('utf8'));
      expect(rest).toEqual([]);
      expect([record!.name, record!.version]).toEqual([p.name, p.version]);
    }
  });

  it('records the replaces pair of replayout and pretend-baselayout', () => {
    expect(result.facts.replaces).toEqual([['replayout', 'pretend-baselayout']]);
  });
});
