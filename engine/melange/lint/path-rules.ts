/**
 * The linters that flag paths by name alone (melange pkg/linter/linters:
 * dev.go, opt.go, srv.go, usrlocal.go, varempty.go, infodir.go, object.go,
 * staticarchive.go, libtool.go, dll.go, dylib.go, cuda.go,
 * documentation.go, maninfo.go, sbom.go, pkgconf.go, lddcheck.go): each a
 * predicate over one entry, a package-name exemption and melange's message.
 * Directories never match.
 */
import { allPaths, count, dirOf, extOf } from './paths';
import type { LintEntry, LintSubject, Linter } from './types';

/** One name rule: which packages it spares, which entries it flags, what it says. */
interface PathRule {
  readonly name: string;
  readonly explain: string;
  readonly byDefault: Linter['byDefault'];
  /** Package name suffixes the rule does not apply to (`-compat`, `-dev`, `-doc`, …). */
  readonly spares?: readonly string[];
  readonly matches: (path: string) => boolean;
  readonly message: (pkg: string, paths: readonly string[], s: LintSubject) => string;
  /** The `test:` steps (`uses:`) that stand in for a fix. */
  readonly testedBy?: readonly string[];
}

const COMPAT = 'This package should be a -compat package';
const DOCS = 'Place documentation into a separate package or remove it';

const under = (prefix: string) => (p: string) => p.startsWith(prefix);
const ext = (e: string) => (p: string) => extOf(p) === e;

/** melange's InfoRegex, ManRegex, IsDocumentationFileRegex, IsCudaDriverLibRegex, PkgconfDirRegex and IsSharedObjectFileRegex. */
const INFO = /^usr\/(?:local\/)?share\/info\/(?:dir|[^/]+\.info(?:-[0-9]+)?(?:\.(?:gz|bz2|xz|lzma|Z))?)$/;
const MAN = /^usr\/(?:local\/)?share\/man(?:\/man[0-9][^/]*)?(?:\/[^/]+\.[0-9][^/]*(?:\.(?:gz|bz2|xz|lzma|Z))?)?$|^usr\/man(?:\/man[0-9][^/]*)?(?:\/[^/]+\.[0-9][^/]*(?:\.(?:gz|bz2|xz|lzma|Z))?)?$/;
const DOCUMENTATION = /(?:READ(?:\.?ME)?|TODO|CREDITS|\.(?:md|docx?|rst|[0-9][a-z]))$/;
const CUDA_DRIVER = /^usr\/lib\/lib(cuda|nvidia-ml)\.so(\.[0-9]+)*$/;
const PKGCONFIG = /^usr\/(lib|share)\/pkgconfig\//;
const SHARED_OBJECT = /\.so(?:\.[0-9]+)*$/;

/** "<pkg> contains pkgconfig files but …": which of the two depends on whether melange.yaml is known. */
const untested = (what: string, test: string) => (pkg: string, _p: readonly string[], s: LintSubject) =>
  s.testUses === undefined ? `${pkg} contains ${what} but missing .melange.yaml` : `${pkg} contains ${what} but ${test} is not configured`;

const RULES: readonly PathRule[] = [
  { name: 'dev', byDefault: 'require', explain: 'If this package is creating /dev nodes, it should use udev instead; otherwise, remove any files in /dev', matches: under('dev/'), message: (pkg) => `${pkg} writes to /dev` },
  { name: 'documentation', byDefault: 'ignore', explain: DOCS, spares: ['-doc'], matches: (p) => DOCUMENTATION.test(p), message: (pkg, p) => `${pkg} contains ${count(p.length, 'documentation file', 'documentation files')} but is not a documentation package` },
  { name: 'opt', byDefault: 'warn', explain: COMPAT, spares: ['-compat'], matches: under('opt/'), message: (pkg) => `${pkg} writes to /opt` },
  { name: 'object', byDefault: 'warn', explain: 'This package contains intermediate object files (.o files)', matches: ext('.o'), message: (pkg, p) => `${pkg} contains ${count(p.length, 'intermediate object file', 'intermediate object files')}. This is usually wrong. In most cases they should be removed` },
  { name: 'maninfo', byDefault: 'warn', explain: DOCS, spares: ['-doc'], matches: (p) => MAN.test(p) || INFO.test(p), message: (pkg, p) => `${pkg} contains ${count(p.length, 'man/info file', 'man/info files')} but is not a documentation package` },
  { name: 'sbom', byDefault: 'warn', explain: 'Remove any files in /var/lib/db/sbom from the package', matches: (p) => dirOf(p) === 'var/lib/db/sbom' && !p.endsWith('.spdx.json'), message: (pkg) => `${pkg} writes to var/lib/db/sbom` },
  { name: 'srv', byDefault: 'warn', explain: COMPAT, spares: ['-compat'], matches: under('srv/'), message: (pkg) => `${pkg} writes to /srv` },
  { name: 'usrlocal', byDefault: 'warn', explain: COMPAT, spares: ['-compat'], matches: under('usr/local/'), message: (pkg) => `${pkg} contains /usr/local path in non-compat package` },
  { name: 'varempty', byDefault: 'require', explain: 'Remove any offending files in /var/empty in the pipeline', matches: under('var/empty/'), message: (pkg) => `${pkg} writes to /var/empty` },
  // melange looks under usr/share/info/dir/ (a directory of that name), not at the file usr/share/info/dir itself.
  { name: 'infodir', byDefault: 'require', explain: 'Remove /usr/share/info/dir from the package (run split/infodir)', matches: under('usr/share/info/dir/'), message: (pkg) => `${pkg} writes to /usr/share/info/dir/` },
  { name: 'pkgconf', byDefault: 'warn', explain: 'This package provides files in a pkgconfig directory, please add the pkgconf test pipeline', testedBy: ['test/pkgconf'], matches: (p) => PKGCONFIG.test(p), message: untested('pkgconfig files', 'test/pkgconf') },
  { name: 'lddcheck', byDefault: 'warn', explain: 'This package provides shared object files, please add the ldd-check test pipeline', testedBy: ['test/ldd-check', 'test/tw/ldd-check'], matches: (p) => SHARED_OBJECT.test(p), message: untested('shared objects', 'test/ldd-check') },
  {
    name: 'cudaruntimelib',
    byDefault: 'warn',
    explain:
      'CUDA driver-specific libraries should be passed into the container by the host. Installing them in an image could override the host libraries and break GPU support. ' +
      'If this library is needed for build-time linking or ldd-check tests, please use a package containing a stub library instead. ' +
      'For libcuda.so, use nvidia-cuda-cudart-$cuda_version. For libnvidia-ml.so, use nvidia-cuda-nvml-dev-$cuda_version.',
    matches: (p) => CUDA_DRIVER.test(p),
    message: (pkg) => `${pkg} contains CUDA driver-specific libraries`,
  },
  { name: 'dll', byDefault: 'warn', explain: 'This package contains Windows libraries', spares: ['-dev'], matches: ext('.dll'), message: (pkg, p) => `${pkg} contains ${count(p.length, 'DLL file', 'DLL files')}` },
  { name: 'dylib', byDefault: 'warn', explain: 'This package contains macOS libraries', spares: ['-dev'], matches: ext('.dylib'), message: (pkg, p) => `${pkg} contains ${count(p.length, 'dylib file', 'dylib files')}` },
  {
    name: 'staticarchive',
    byDefault: 'warn',
    explain: 'This package contains static archives (.a files)',
    spares: ['-dev', '-static'],
    matches: ext('.a'),
    message: (pkg, p) => `${pkg} contains ${count(p.length, 'static archive', 'static archives')}. Static archives bloat packages and should typically be in -dev packages or removed`,
  },
  {
    name: 'libtool/la-files',
    byDefault: 'require',
    explain: 'Remove libtool archive (.la) files from the package, or disable this linter if they are required',
    matches: ext('.la'),
    message: (pkg, p) =>
      `${pkg} contains ${count(p.length, 'libtool archive (.la) file', 'libtool archive (.la) files')}. Remove them in the build pipeline; if this package legitimately needs to ship .la files, disable this linter via checks.disabled`,
  },
];

function toLinter(r: PathRule): Linter {
  return {
    name: r.name,
    explain: r.explain,
    byDefault: r.byDefault,
    check(s) {
      if (r.spares?.some((suffix) => s.name.endsWith(suffix))) return undefined;
      if (r.testedBy !== undefined && s.testUses?.some((u) => r.testedBy!.includes(u))) return undefined;
      return allPaths(s.entries, (e: LintEntry) => e.type !== 'dir' && r.matches(e.path), (paths) => r.message(s.name, paths, s));
    },
  };
}

/** The name-only linters. */
export const PATH_LINTERS: readonly Linter[] = RULES.map(toLinter);
