/**
 * The image's operating system, from /etc/os-release, as an SPDX package
 * with purpose OPERATING_SYSTEM. An image without os-release gets none:
 * we do not invent an "unknown" OS.
 */
import { spdxId } from './spdx-id';
import type { SpdxPackage } from './spdx-model';
import type { OsRelease } from './types';

/** The SPDX package describing the operating system. */
export function osSpdxPackage(os: OsRelease): SpdxPackage {
  return {
    SPDXID: spdxId('OperatingSystem', os.id),
    name: os.id,
    ...(os.versionId === undefined ? {} : { versionInfo: os.versionId }),
    filesAnalyzed: false,
    description: os.prettyName,
    downloadLocation: 'NOASSERTION',
    ...(os.homeUrl !== undefined && /^https?:\/\/\S+$/.test(os.homeUrl) ? { homepage: os.homeUrl } : {}),
    supplier: `Organization: ${os.name}`,
    primaryPackagePurpose: 'OPERATING_SYSTEM',
  };
}
