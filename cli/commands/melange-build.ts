/**
 * `apko-nx melange build <melange.yaml>`: builds the packages of a
 * melange.yaml into `<out-dir>/<arch>/` and updates that directory's index,
 * for each `--arch` in order. Flags map onto the engine's melange build
 * request, which holds every default and rule.
 */
import type { MelangeBuildOptions } from '../../engine';
import { MELANGE_RUNNER_NAMES } from '../../engine/defaults';
import { bool, list, parseVarPairs, str } from '../args';
import type { Command } from '../command';
import { LINT_FLAGS, lintList } from '../lint-flags';

export const melangeBuildCommand: Command = {
  name: 'melange build',
  summary: 'build the packages of a melange.yaml into a local repository (<out-dir>/<arch>/, with APKINDEX.tar.gz)',
  usage: `melange build <melange.yaml> [--arch ARCH,...] [--signing-key KEY.rsa] [--out-dir packages] [--runner ${MELANGE_RUNNER_NAMES.join('|')}] [flags]`,
  flags: {
    arch: { type: 'list', split: true, value: 'ARCH', description: 'architectures to build for, in order (apk or OCI names, all, host; comma-separated or repeated; default: those package.target-architecture allows that this machine can run: its own, and any with a qemu-user binfmt_misc handler)' },
    'signing-key': { type: 'string', value: 'KEY', description: 'RSA private key to sign the packages and the index with' },
    'out-dir': { type: 'string', value: 'DIR', description: 'repository directory; packages go to DIR/<arch>/ (default packages)' },
    'source-dir': { type: 'string', value: 'DIR', description: 'copied into the build workspace (default: the directory holding melange.yaml)' },
    runner: { type: 'string', value: MELANGE_RUNNER_NAMES.join('|'), description: 'bubblewrap (default; steps write only their workspace), host (no isolation; unsafe) or chroot (root only; the environment built from its packages)' },
    namespace: { type: 'string', value: 'NS', description: 'package namespace for .PKGINFO maintainer and purls (default unknown)' },
    var: { type: 'list', value: 'KEY=VALUE', description: 'override a vars: entry (repeatable; wins over --vars-file and build options)' },
    'vars-file': { type: 'string', value: 'FILE', description: 'YAML map of vars merged over the file\'s vars:' },
    'build-option': { type: 'list', value: 'NAME', description: 'apply the file\'s options.NAME (its vars and environment packages); ${{options.NAME.enabled}} becomes true (repeatable)' },
    'generate-index': { type: 'boolean', description: 'update <out-dir>/<arch>/APKINDEX.tar.gz (default true; --generate-index=false to skip)' },
    'cache-dir': { type: 'string', value: 'DIR', description: 'inputs cache the steps see at /var/cache/melange, when it is a directory (default ./melange-cache/)' },
    'apk-cache-dir': { type: 'string', value: 'DIR', description: 'package cache for the build environment (default: $APKO_CACHE_DIR, else ~/.cache/apko-nx)' },
    'build-date': { type: 'string', value: 'DATE', description: 'build date of the packages, RFC 3339 (or Unix seconds); SOURCE_DATE_EPOCH wins over it' },
    'workspace-dir': { type: 'string', value: 'DIR', description: 'keep the build workspace (/home/build) in DIR/<arch> on this machine (default a temporary directory)' },
    'empty-workspace': { type: 'boolean', description: 'start with an empty workspace: the source directory is not copied in' },
    'env-file': { type: 'list', split: true, value: 'FILE', description: 'KEY=VALUE lines added to the steps\' environment (repeatable; environment.environment wins)' },
    'git-commit': { type: 'string', value: 'SHA', description: 'commit of the repository holding melange.yaml (.PKGINFO commit, SBOM), instead of git\'s HEAD' },
    'git-repo-url': { type: 'string', value: 'URL', description: 'URL of the repository holding melange.yaml (the SBOM\'s purl of the build configuration)' },
    license: { type: 'string', value: 'SPDX', description: 'license of the build configuration itself, in the SBOM (default NOASSERTION)' },
    rm: { type: 'boolean', description: 'remove the workspace when the build fails (default true; --rm=false keeps it and prints where)' },
    timeout: { type: 'string', value: 'DURATION', description: 'longest each architecture\'s build may take (Go duration: 90s, 30m, 1h); the build fails naming it' },
    'create-build-log': { type: 'boolean', description: 'append arch|origin|name|version per built package to packages.log' },
    'dependency-log': { type: 'string', value: 'FILE', description: 'write the dependencies the scan generated, as JSON, to FILE.<arch>' },
    'generate-provenance': { type: 'boolean', description: 'not supported: SLSA provenance files are not written' },
    offline: { type: 'boolean', description: 'chroot environment: use the cache and local repositories only' },
    'repository-append': { type: 'list', alias: 'r', value: 'REPO', description: 'chroot environment: extra repository (repeatable)' },
    'keyring-append': { type: 'list', alias: 'k', value: 'KEY', description: 'chroot environment: extra trusted public key (repeatable)' },
    'pipeline-dir': { type: 'list', value: 'DIR', description: 'directory of pipeline definitions for uses:, searched before the built-in ones (repeatable, in order)' },
    'package-append': { type: 'list', alias: 'p', value: 'PKG', description: 'chroot environment: extra package (repeatable)' },
    ...LINT_FLAGS,
    'run-tests': { type: 'boolean', description: 'run the test: sections on the built packages before writing them (default true; --run-tests=false to skip)' },
  },
  arity: [1, 1],
  async run(p, io) {
    const runner = str(p, 'runner');
    // Flags not given stay undefined: the request fills the defaults.
    const options: MelangeBuildOptions = {
      configPath: p.positionals[0]!,
      archs: list(p, 'arch'),
      signingKey: str(p, 'signing-key'),
      outDir: str(p, 'out-dir'),
      sourceDir: str(p, 'source-dir'),
      runner,
      namespace: str(p, 'namespace'),
      cacheDir: str(p, 'cache-dir'),
      apkCacheDir: str(p, 'apk-cache-dir'),
      buildDate: str(p, 'build-date'),
      workspaceDir: str(p, 'workspace-dir'),
      emptyWorkspace: bool(p, 'empty-workspace'),
      envFiles: list(p, 'env-file'),
      gitCommit: str(p, 'git-commit'),
      gitRepoUrl: str(p, 'git-repo-url'),
      license: str(p, 'license'),
      remove: p.flags.rm === undefined ? undefined : bool(p, 'rm'),
      timeout: str(p, 'timeout'),
      createBuildLog: bool(p, 'create-build-log'),
      dependencyLog: str(p, 'dependency-log'),
      generateProvenance: bool(p, 'generate-provenance'),
      generateIndex: p.flags['generate-index'] === undefined ? undefined : bool(p, 'generate-index'),
      vars: parseVarPairs(list(p, 'var')),
      varsFile: str(p, 'vars-file'),
      buildOptions: list(p, 'build-option'),
      offline: bool(p, 'offline'),
      repositoryAppend: list(p, 'repository-append'),
      keyringAppend: list(p, 'keyring-append'),
      packageAppend: list(p, 'package-append'),
      pipelineDirs: list(p, 'pipeline-dir'),
      lintRequire: lintList(p, 'lint-require'),
      lintWarn: lintList(p, 'lint-warn'),
      runTests: p.flags['run-tests'] === undefined ? undefined : bool(p, 'run-tests'),
      log: io.err,
    };
    const [{ normalizeMelangeBuildOptions }, { buildMelangePackages }] = await Promise.all([import('../../engine/melange/build-options'), import('../../engine/melange/build')]);
    const result = await buildMelangePackages(normalizeMelangeBuildOptions(options, io.cwd, io.env));
    for (const pkg of result.packages) io.out(pkg.path);
    for (const index of result.indexes) io.err(`updated ${index}`);
    return 0;
  },
};
