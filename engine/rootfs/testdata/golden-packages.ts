/**
 * The two packages of apko's golden test (`pretend-baselayout` and
 * `replayout`, apko's amd64 golden image), rebuilt from what apko's golden image records of
 * them: .PKGINFO fields, sizes, control checksums, file lists and per-file
 * checksums (given as PAX records, since the original contents are not
 * known). Used to compare our layout and database with apko's goldens.
 */
import { sha1HexFromQ1, type ApkChecksum } from '../../digest';
import { APK_SHA1_PAX } from '../../tar/types';
import { dir, file, makePackage } from './make-package';

const COMMIT = '326e0ed687bdfeadac839dc9b25686e4442c9d04';

/** The os-release text replayout ships (102 bytes). */
export const OS_RELEASE = 'ID=replaces\nNAME="Replaces"\nPRETTY_NAME="Replaces"\nVERSION_ID="1.0.0"\nHOME_URL="https://example.com/"\n';

/** The /etc/apko.json bytes of the golden amd64 image (329 bytes). */
export const APKO_JSON =
  '{"contents":{"repositories":["./testdata/packages"],"keyring":["./testdata/melange.rsa.pub"],"packages":["pretend-baselayout=1.0.0-r0","replayout=1.0.0-r0"]},"entrypoint":{"command":"/bin/sh -l"},"accounts":{},"archs":["amd64"],"annotations":{"org.opencontainers.image.title":"Title","org.opencontainers.image.vendor":"Vendor"}}\n';

const pax = (q1: string) => ({ pax: { [APK_SHA1_PAX]: sha1HexFromQ1(q1 as ApkChecksum) } });

const sbomDirs = [dir('var'), dir('var/lib'), dir('var/lib/db'), dir('var/lib/db/sbom')];

/** pretend-baselayout-1.0.0-r0 for `arch`. */
export function pretendBaselayout(arch = 'x86_64') {
  return makePackage({
    name: 'pretend-baselayout',
    arch,
    size: 3476,
    apkSize: 2930,
    checksum: 'Q1m6wB0UFePGN8Drz82pC8y2uAiu8=',
    license: ['MIT'],
    pkgdesc: 'replacement baselayout',
    maintainer: 'unknown',
    url: '',
    commit: COMMIT,
    entries: [
      dir('etc'),
      ...sbomDirs,
      file('var/lib/db/sbom/pretend-baselayout-1.0.0-r0.spdx.json', 'x'.repeat(2769), pax('Q15d+IKXrVK1o8pOAjbHFqnDfAwIY=')),
    ],
  });
}

/** replayout-1.0.0-r0 for `arch`: replaces pretend-baselayout, ships /etc/os-release as 501:20. */
export function replayout(arch = 'x86_64') {
  return makePackage({
    name: 'replayout',
    arch,
    size: 3389,
    apkSize: 2961,
    checksum: 'Q11/HhSewwwOXgl0r0ffb0O0BRtYc=',
    license: ['MIT'],
    pkgdesc: 'replacement baselayout',
    maintainer: 'unknown',
    url: '',
    commit: COMMIT,
    depend: ['pretend-baselayout'],
    replaces: ['pretend-baselayout'],
    entries: [
      dir('etc'),
      file('etc/os-release', OS_RELEASE, { uid: 501, gid: 20, ...pax('Q1yl5Se7uKXMnEwtK04pYY2Mo75fg=') }),
      ...sbomDirs,
      file('var/lib/db/sbom/replayout-1.0.0-r0.spdx.json', 'y'.repeat(2679)),
    ],
  });
}

/** The start of apko's golden amd64 installed database, verbatim from apko's output (it is cut after replayout's `F:var`). */
export const GOLDEN_INSTALLED_HEAD = `P:pretend-baselayout
V:1.0.0-r0
A:x86_64
L:MIT
T:replacement baselayout
o:pretend-baselayout
m:unknown
U:
D:
p:
c:326e0ed687bdfeadac839dc9b25686e4442c9d04
i:[]
t:0
S:2930
I:3476
k:0
C:Q1m6wB0UFePGN8Drz82pC8y2uAiu8=
F:etc
F:var
F:var/lib
F:var/lib/db
F:var/lib/db/sbom
R:pretend-baselayout-1.0.0-r0.spdx.json
Z:Q15d+IKXrVK1o8pOAjbHFqnDfAwIY=

P:replayout
V:1.0.0-r0
A:x86_64
L:MIT
T:replacement baselayout
o:replayout
m:unknown
U:
D:pretend-baselayout
p:
r:pretend-baselayout
c:326e0ed687bdfeadac839dc9b25686e4442c9d04
i:[]
t:0
S:2961
I:3389
k:0
C:Q11/HhSewwwOXgl0r0ffb0O0BRtYc=
F:etc
R:os-release
a:501:20:0644
Z:Q1yl5Se7uKXMnEwtK04pYY2Mo75fg=
F:var
`;
