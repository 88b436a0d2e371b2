/**
 * One installed APK as an SPDX package: version, normalized license,
 * supplier, checksums and purl. Every installed package gets one, with or
 * without a package SBOM of its own (apko lists only packages that ship one,
 * so Alpine's packages were missing from its SBOMs).
 */
import { parseApkChecksum, sha1HexFromQ1 } from '../digest';
import { FormatError } from '../errors';
import { normalizeLicense } from './license';
import { apkPurl } from './purl';
import type { SpdxChecksum, SpdxExtractedLicense, SpdxPackage } from './spdx-model';
import type { SbomPackageInput } from './types';

/** A package and the license definitions it needs. */
export interface ApkSpdxPackage {
  readonly pkg: SpdxPackage;
  readonly extracted: readonly SpdxExtractedLicense[];
}

/** `Organization: <name> (<email>)` from an APK maintainer (`Name <email>`), or NOASSERTION. */
export function supplierOf(maintainer: string | undefined): string {
  const clean = (maintainer ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (clean === '') return 'NOASSERTION';
  const m = /^(.*?)\s*<([^<>]*)>$/.exec(clean);
  if (m === null) return `Organization: ${clean}`;
  const [name, email] = [m[1]!.trim(), m[2]!.trim()];
  if (name === '') return email === '' ? 'NOASSERTION' : `Organization: ${email}`;
  return email === '' ? `Organization: ${name}` : `Organization: ${name} (${email})`;
}

function checksumsOf(p: SbomPackageInput): SpdxChecksum[] {
  const label = `${p.name}-${p.version}`;
  let q1;
  try {
    q1 = parseApkChecksum(p.checksum);
  } catch (cause) {
    throw new FormatError(`Package ${label} has checksum "${p.checksum}", which is not an APK checksum (Q1 + base64 of a sha1).`, {
      cause,
      hint: 'pass the C: field of the package’s APKINDEX entry',
    });
  }
  // The Q1 checksum is the sha1 of the control member: the package's identity in every APK index.
  const sums: SpdxChecksum[] = [{ algorithm: 'SHA1', checksumValue: sha1HexFromQ1(q1) }];
  if (p.datahash !== undefined && p.datahash !== '') {
    if (!/^[0-9a-fA-F]{64}$/.test(p.datahash)) {
      throw new FormatError(`Package ${label} has datahash "${p.datahash}", which is not a hex sha256.`, {
        hint: 'pass the datahash field of the package’s .PKGINFO, or leave it out',
      });
    }
    sums.push({ algorithm: 'SHA256', checksumValue: p.datahash.toLowerCase() });
  }
  return sums;
}

/** The SPDX package for an installed APK, under the id `id`. */
export function apkSpdxPackage(p: SbomPackageInput, id: string, distro: string | undefined): ApkSpdxPackage {
  const license = normalizeLicense(p.license);
  const description = p.description?.trim();
  const url = p.url?.trim();
  const pkg: SpdxPackage = {
    SPDXID: id,
    name: p.name,
    versionInfo: p.version,
    filesAnalyzed: false,
    ...(description ? { description } : {}),
    licenseDeclared: license.expression,
    downloadLocation: 'NOASSERTION',
    // SPDX wants a URL here; `U:` is free text in some old packages.
    ...(url && /^https?:\/\/\S+$/.test(url) ? { homepage: url } : {}),
    supplier: supplierOf(p.maintainer),
    ...(p.origin ? { sourceInfo: `built from the APK origin package ${p.origin}` } : {}),
    checksums: checksumsOf(p),
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: apkPurl(p, distro) }],
  };
  return { pkg, extracted: license.extracted };
}
