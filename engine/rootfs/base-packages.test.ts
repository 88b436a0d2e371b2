import { describe, expect, it } from 'vitest';
import { baseIndexEntries, basePins, parseBasePackages } from './base-packages';

// A record as apko writes it into an image's installed database.
const INSTALLED = `P:foo
V:2.1-r3
A:x86_64
L:Apache-2.0
T:foo
o:foo
m:
U:
D:base so:libfoo.so.2
p:cmd:foo=2.1-r3
c:
i:[]
t:1700000100
S:1041
I:19
k:0
C:Q14yXUQ+4Qas0rvnEYoG+jwCpQjA4=
F:usr
F:usr/bin
R:foo
a:0:0:0755
Z:Q1omzkFqBIiDzWyo6JD2sKYqgDHoo=
F:var/lib/foo
M:1000:1000:0750
q:1

`;

describe('a base image package', () => {
  const [pkg] = parseBasePackages(INSTALLED, 'apkindex/x86_64/APKINDEX');

  it('is rewritten as apko rewrites it: no checksums or ownership, i: bracketed again, unknown lines dropped', () => {
    expect(pkg!.stanza.toString('utf8')).toBe(
      'P:foo\nV:2.1-r3\nA:x86_64\nL:Apache-2.0\nT:foo\no:foo\nm:\nU:\nD:base so:libfoo.so.2\np:cmd:foo=2.1-r3\nc:\ni:[[]]\nt:1700000100\nS:1041\nI:19\nk:0\nC:Q14yXUQ+4Qas0rvnEYoG+jwCpQjA4=\nF:usr\nF:usr/bin\nR:foo\n\n',
    );
  });

  it('is pinned and offered to the resolver with its dependencies and provides', () => {
    expect(basePins([pkg!])).toEqual(['foo=2.1-r3']);
    const [entry] = baseIndexEntries([pkg!]);
    expect(entry).toMatchObject({ name: 'foo', version: '2.1-r3', depends: ['base', 'so:libfoo.so.2'], provides: ['cmd:foo=2.1-r3'], installIf: [], checksum: 'Q14yXUQ+4Qas0rvnEYoG+jwCpQjA4=' });
  });
});
