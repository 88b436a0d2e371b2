/**
 * The records the APK format carries: `.PKGINFO` of a package and an entry of
 * an APKINDEX. Field names follow apk-tools; every list keeps file order.
 */

/** A package's `.PKGINFO`, parsed. Unknown keys are kept in `extra`. */
export interface PkgInfo {
  pkgname: string;
  /** Full version, `<ver>-r<rel>`. */
  pkgver: string;
  arch: string;
  /** Installed size in bytes. */
  size: number;
  origin?: string;
  pkgdesc?: string;
  url?: string;
  commit?: string;
  maintainer?: string;
  /** Unix seconds. */
  builddate?: number;
  /** Licenses, one per `license =` line. */
  license: string[];
  depend: string[];
  provides: string[];
  replaces: string[];
  install_if: string[];
  triggers: string[];
  provider_priority?: number;
  replaces_priority?: number;
  /** Hex sha256 of the data gzip member. */
  datahash?: string;
  /** Keys this reader does not model, in file order. */
  extra: Array<[string, string]>;
}

/** One package as an APKINDEX describes it. Single-letter field in the comment. */
export interface IndexEntry {
  /** P */
  name: string;
  /** V */
  version: string;
  /** A */
  arch: string;
  /** S: size of the .apk file */
  size: number;
  /** I: installed size */
  installedSize: number;
  /** T */
  description: string;
  /** U */
  url: string;
  /** L */
  license: string;
  /** o */
  origin?: string;
  /** m */
  maintainer?: string;
  /** t: unix seconds */
  buildTime?: number;
  /** c */
  commit?: string;
  /** D: dependency atoms */
  depends: string[];
  /** p: provides, `name` or `name=version` */
  provides: string[];
  /** i: install_if atoms */
  installIf: string[];
  /** k */
  providerPriority?: number;
  /** r */
  replaces: string[];
  /** q */
  replacesPriority?: number;
  /** C: `Q1` + base64(sha1(control member)) */
  checksum: string;
}
