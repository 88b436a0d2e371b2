import { describe, expect, it } from 'vitest';
import { packageContentKey, serializeSpdx } from './serialize';
import type { SpdxDocument } from './spdx-model';

function doc(order: 'a' | 'b'): SpdxDocument {
  const pkgA = { SPDXID: 'SPDXRef-p', name: 'p', filesAnalyzed: false as const, downloadLocation: 'NOASSERTION', versionInfo: '1' };
  const pkgB = { versionInfo: '1', downloadLocation: 'NOASSERTION', filesAnalyzed: false as const, name: 'p', SPDXID: 'SPDXRef-p' };
  const base = {
    SPDXID: 'SPDXRef-DOCUMENT' as const,
    name: 'n',
    spdxVersion: 'SPDX-2.3' as const,
    creationInfo: { created: '1970-01-01T00:00:00Z', creators: ['Tool: apko-nx (0)'] },
    dataLicense: 'CC0-1.0' as const,
    documentNamespace: 'https://example.com/ns',
    documentDescribes: ['SPDXRef-p'],
    relationships: [],
  };
  return order === 'a' ? { ...base, packages: [pkgA] } : { packages: [pkgB], ...base };
}

describe('serializeSpdx', () => {
  it('writes the same bytes whatever order the keys were assigned in', () => {
    expect(serializeSpdx(doc('a'))).toBe(serializeSpdx(doc('b')));
  });

  it('writes keys in the fixed order, indented by two spaces, with a trailing newline', () => {
    const text = serializeSpdx(doc('b'));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n').slice(0, 4)).toEqual(['{', '  "SPDXID": "SPDXRef-DOCUMENT",', '  "name": "n",', '  "spdxVersion": "SPDX-2.3",']);
    expect(Object.keys(JSON.parse(text).packages[0])).toEqual(['SPDXID', 'name', 'versionInfo', 'filesAnalyzed', 'downloadLocation']);
  });

  it('escapes <, >, & and U+2028 as the Go encoder in apko does, and parses back to the same value', () => {
    const d = doc('a');
    const odd = { ...d, packages: [{ ...d.packages[0]!, supplier: 'Organization: A & B <a@b>\u2028', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER' as const, referenceType: 'purl', referenceLocator: 'pkg:apk/w/p@1?arch=x&distro=w' }] }] };
    const text = serializeSpdx(odd);
    expect(text).toContain('"supplier": "Organization: A \\u0026 B \\u003ca@b\\u003e\\u2028"');
    expect(text).toContain('"referenceLocator": "pkg:apk/w/p@1?arch=x\\u0026distro=w"');
    expect(JSON.parse(text)).toEqual(odd);
  });
});

describe('packageContentKey', () => {
  it('is the same for packages that differ only in SPDXID or key order, and differs when content differs', () => {
    const a = doc('a').packages[0]!;
    const b = doc('b').packages[0]!;
    expect(packageContentKey({ ...a, SPDXID: 'SPDXRef-other' })).toBe(packageContentKey(b));
    expect(packageContentKey(a)).toBe('{"name":"p","versionInfo":"1","filesAnalyzed":false,"downloadLocation":"NOASSERTION"}');
    expect(packageContentKey({ ...a, versionInfo: '2' })).not.toBe(packageContentKey(a));
  });
});
