import { describe, expect, it } from 'vitest';
import { canonicalJson, serializeSpdx } from './serialize';
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

  it('puts unknown keys last in byte order', () => {
    expect(canonicalJson({ zeta: 1, Alpha: 2, name: 3 })).toBe('{"name":3,"Alpha":2,"zeta":1}');
  });
});
