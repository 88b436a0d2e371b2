/**
 * License normalization for APK `L:` fields (apko#250: they are often not
 * SPDX expressions, e.g. `GPL2`, `MIT BSD`, `custom`). The output is always
 * a valid licenseDeclared value:
 *   - empty → NOASSERTION; NONE and NOASSERTION stay;
 *   - a valid expression is kept, identifiers in their canonical case, single
 *     spaces, upper-case operators;
 *   - valid syntax with unknown identifiers keeps its structure, each unknown
 *     leaf replaced by a `LicenseRef-…` whose extracted text is that leaf;
 *   - anything else becomes one `LicenseRef-…` whose extracted text is the
 *     whole field.
 * We never guess (`GPL2` is not rewritten to `GPL-2.0-only`): the SBOM says
 * what the package said, in a form SPDX tools accept.
 */
import { sha256Hex } from '../digest';
import { leafText, parseLicenseExpression, renderLicense, type LicenseLeaf } from './license-expression';
import { EXCEPTION_IDS, LICENSE_IDS } from './license-list.generated';
import type { SpdxExtractedLicense } from './spdx-model';

/** A license field made valid, with the definitions of the `LicenseRef-`s it introduced. */
export interface NormalizedLicense {
  readonly expression: string;
  readonly extracted: readonly SpdxExtractedLicense[];
}

// SPDX matches identifiers case-insensitively; we emit the list's spelling.
const LICENSES = new Map(LICENSE_IDS.map((id) => [id.toLowerCase(), id]));
const EXCEPTIONS = new Map(EXCEPTION_IDS.map((id) => [id.toLowerCase(), id]));
const REF = /^(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/;

const COMMENT = 'Not an SPDX license expression; the text is copied verbatim from the package license field.';

/**
 * A stable `LicenseRef-` id for arbitrary license text. Text that is already
 * an idstring maps to itself; otherwise a hash of the text keeps two texts
 * that sanitize alike (`MIT BSD`, `MIT/BSD`) apart.
 */
export function licenseRefFor(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  if (clean === text && clean !== '') return `LicenseRef-${clean}`;
  return `LicenseRef-${clean === '' ? '' : `${clean}-`}${sha256Hex(text).slice(0, 8)}`;
}

/** The canonical text of a leaf, or undefined when an identifier in it is not on the SPDX lists. */
function canonicalLeaf(leaf: LicenseLeaf): string | undefined {
  if (REF.test(leaf.license)) {
    // `+` applies to license-list identifiers only (annex D).
    return leaf.plus || leaf.exception !== undefined ? undefined : leaf.license;
  }
  const license = LICENSES.get(leaf.license.toLowerCase());
  if (license === undefined) return undefined;
  if (leaf.exception === undefined) return leafText({ ...leaf, license });
  const exception = EXCEPTIONS.get(leaf.exception.toLowerCase());
  return exception === undefined ? undefined : leafText({ ...leaf, license, exception });
}

function extractedFor(text: string): SpdxExtractedLicense {
  return { licenseId: licenseRefFor(text), name: text, extractedText: text, comment: COMMENT };
}

/** Makes a package license field a valid SPDX licenseDeclared value (see the file comment for the rules). */
export function normalizeLicense(raw: string | undefined): NormalizedLicense {
  const text = (raw ?? '').trim();
  if (text === '') return { expression: 'NOASSERTION', extracted: [] };
  if (text === 'NONE' || text === 'NOASSERTION') return { expression: text, extracted: [] };
  const node = parseLicenseExpression(text);
  if (node === undefined) {
    const def = extractedFor(text);
    return { expression: def.licenseId, extracted: [def] };
  }
  const extracted = new Map<string, SpdxExtractedLicense>();
  const expression = renderLicense(node, (leaf) => {
    const ok = canonicalLeaf(leaf);
    if (ok !== undefined) return ok;
    const def = extractedFor(leafText(leaf));
    extracted.set(def.licenseId, def);
    return def.licenseId;
  });
  return { expression, extracted: [...extracted.values()] };
}

/** Rewrites the `LicenseRef-`s of a (valid) expression through `rename`; other text is kept as is. */
export function renameLicenseRefs(expression: string, rename: (id: string) => string): string {
  const node = parseLicenseExpression(expression);
  if (node === undefined) return expression;
  return renderLicense(node, (leaf) =>
    REF.test(leaf.license) && !leaf.license.startsWith('DocumentRef-')
      ? leafText({ ...leaf, license: rename(leaf.license) })
      : leafText(leaf),
  );
}

/** The local `LicenseRef-` ids an expression refers to. */
export function licenseRefsIn(expression: string): string[] {
  const node = parseLicenseExpression(expression);
  if (node === undefined) return [];
  const refs: string[] = [];
  renderLicense(node, (leaf) => {
    if (REF.test(leaf.license) && !leaf.license.startsWith('DocumentRef-')) refs.push(leaf.license);
    return '';
  });
  return refs;
}
