import { describe, expect, it } from 'vitest';
import { assignIds, sanitizeIdPart, SPDX_ID_RE, spdxId, validSpdxId } from './spdx-id';

describe('spdxId', () => {
  it.each([
    [['Package', 'so:libc.so.6'], 'SPDXRef-Package-so-libc.so.6'],
    [['Package', 'py3.12-foo_bar-1.0-r0'], 'SPDXRef-Package-py3.12-fooC95bar-1.0-r0'],
    [['Package', 'libstdc++-12-r0'], 'SPDXRef-Package-libstdcC43C43-12-r0'],
    [['Source', 'github.com/org/repo'], 'SPDXRef-Source-github.com-org-repo'],
    [['OperatingSystem', 'ünï'], 'SPDXRef-OperatingSystem-C252nC239'],
    [[''], 'SPDXRef-Element'],
  ])('sanitizes %j to %s', (parts, id) => {
    expect(spdxId(...parts)).toBe(id);
    expect(id).toMatch(SPDX_ID_RE);
  });

  it('keeps valid ids and repairs invalid ones', () => {
    expect(validSpdxId('SPDXRef-Package-x-1.0')).toBe('SPDXRef-Package-x-1.0');
    expect(validSpdxId('SPDXRef-Package-x_1')).toBe('SPDXRef-Package-xC951');
    expect(validSpdxId('weird id')).toBe('SPDXRef-weirdC32id');
    expect(sanitizeIdPart('a:b/c')).toBe('a-b-c');
  });
});

describe('assignIds', () => {
  it('keeps an id wanted by one element, and shares it among claims of that same element', () => {
    const ids = assignIds(
      [
        { id: 'SPDXRef-a', key: 'k1' },
        { id: 'SPDXRef-b', key: 'k2' },
        { id: 'SPDXRef-a', key: 'k1' },
      ],
      new Set(),
    );
    expect(ids).toEqual(['SPDXRef-a', 'SPDXRef-b', 'SPDXRef-a']);
  });

  it('suffixes every variant of an id that names different elements, whatever their order', () => {
    const claims = [
      { id: 'SPDXRef-src', key: 'one' },
      { id: 'SPDXRef-src', key: 'two' },
    ];
    const forward = assignIds(claims, new Set());
    const backward = assignIds([...claims].reverse(), new Set()).reverse();
    expect(forward).toEqual(backward);
    expect(new Set(forward).size).toBe(2);
    for (const id of forward) expect(id).toMatch(/^SPDXRef-src-[0-9a-f]{12}$/);
  });

  it('suffixes an id that is reserved for another element', () => {
    expect(assignIds([{ id: 'SPDXRef-x', key: 'k' }], new Set(['SPDXRef-x']))[0]).toMatch(/^SPDXRef-x-[0-9a-f]{12}$/);
  });
});
