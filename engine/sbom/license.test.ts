import { describe, expect, it } from 'vitest';
import { licenseRefFor, licenseRefsIn, normalizeLicense, renameLicenseRefs } from './license';
import { parseLicenseExpression } from './license-expression';

describe('normalizeLicense', () => {
  it.each([
    ['MIT', 'MIT'],
    ['GPL-2.0-or-later', 'GPL-2.0-or-later'],
    ['mit', 'MIT'],
    ['gpl-2.0-only and apache-2.0', 'GPL-2.0-only AND Apache-2.0'],
    ['GPL-2.0+', 'GPL-2.0+'],
    ['GPL-2.0', 'GPL-2.0'],
    ['(MIT OR Apache-2.0)  AND   BSD-3-Clause', '(MIT OR Apache-2.0) AND BSD-3-Clause'],
    ['GPL-2.0-or-later WITH Classpath-exception-2.0', 'GPL-2.0-or-later WITH Classpath-exception-2.0'],
    ['Apache-2.0 with llvm-exception', 'Apache-2.0 WITH LLVM-exception'],
    ['LicenseRef-wolfi-custom', 'LicenseRef-wolfi-custom'],
    ['DocumentRef-other:LicenseRef-x', 'DocumentRef-other:LicenseRef-x'],
    ['NONE', 'NONE'],
    ['NOASSERTION', 'NOASSERTION'],
    ['', 'NOASSERTION'],
    ['   ', 'NOASSERTION'],
  ])('keeps the valid expression %j as %j with no extracted text', (raw, expression) => {
    expect(normalizeLicense(raw)).toEqual({ expression, extracted: [] });
  });

  it('returns NOASSERTION when there is no license field at all', () => {
    expect(normalizeLicense(undefined).expression).toBe('NOASSERTION');
  });

  it.each([
    ['custom', 'LicenseRef-custom'],
    ['GPL2', 'LicenseRef-GPL2'],
    ['Public-Domain', 'LicenseRef-Public-Domain'],
  ])('turns the unknown identifier %j into %s with the text kept', (raw, id) => {
    expect(normalizeLicense(raw)).toEqual({
      expression: id,
      extracted: [
        {
          licenseId: id,
          name: raw,
          extractedText: raw,
          comment: 'Not an SPDX license expression; the text is copied verbatim from the package license field.',
        },
      ],
    });
  });

  it('replaces only the unknown leaves of a well-formed expression', () => {
    const n = normalizeLicense('MIT AND (custom OR GPL2+) AND Apache-2.0 WITH no-such-exception');
    expect(n.expression).toBe(
      `MIT AND (LicenseRef-custom OR ${licenseRefFor('GPL2+')}) AND ${licenseRefFor('Apache-2.0 WITH no-such-exception')}`,
    );
    expect(n.extracted.map((e) => e.extractedText)).toEqual(['custom', 'GPL2+', 'Apache-2.0 WITH no-such-exception']);
    expect(parseLicenseExpression(n.expression)).toBeDefined();
  });

  it('treats NONE inside an expression as an unknown leaf, since SPDX allows it only alone', () => {
    expect(normalizeLicense('MIT OR NONE').expression).toBe('MIT OR LicenseRef-NONE');
  });

  it.each(['MIT BSD', 'GPL-2.0-or-later LGPL-2.1-or-later', 'Public Domain', 'MIT/X11', 'BSD, MIT', 'MIT AND', '(MIT'])(
    'makes the whole malformed field %j one LicenseRef with its text',
    (raw) => {
      const n = normalizeLicense(raw);
      expect(n.expression).toMatch(/^LicenseRef-[A-Za-z0-9.-]+$/);
      expect(n.extracted).toHaveLength(1);
      expect(n.extracted[0]).toMatchObject({ licenseId: n.expression, extractedText: raw });
    },
  );

  it('never gives two different texts the same LicenseRef', () => {
    const texts = ['MIT BSD', 'MIT/BSD', 'MIT-BSD', 'MIT  BSD', 'MIT_BSD'];
    const ids = texts.map(licenseRefFor);
    expect(new Set(ids).size).toBe(texts.length);
    expect(licenseRefFor('MIT-BSD')).toBe('LicenseRef-MIT-BSD');
    for (const id of ids) expect(id).toMatch(/^LicenseRef-[A-Za-z0-9.-]+$/);
  });
});

describe('renameLicenseRefs', () => {
  it('renames local LicenseRefs and leaves licenses and DocumentRefs alone', () => {
    const out = renameLicenseRefs('MIT AND (LicenseRef-a OR DocumentRef-d:LicenseRef-a)', (id) => `${id}-2`);
    expect(out).toBe('MIT AND (LicenseRef-a-2 OR DocumentRef-d:LicenseRef-a)');
    expect(licenseRefsIn(out)).toEqual(['LicenseRef-a-2']);
  });
});
