/**
 * The apko.yaml text the image generator writes. Written as code rather than
 * a template so the generator needs no template engine at run time (see
 * ../nx-api.ts: the plugin ships without @nx/devkit).
 */

/** What the written config says. */
export interface ImageConfigText {
  readonly project: string;
  readonly base: 'none' | 'wolfi' | 'alpine';
  readonly repositories: readonly string[];
  readonly keyring: readonly string[];
  readonly packages: readonly string[];
  readonly user: string;
  readonly uid: number;
  readonly entrypoint: string;
  /** The working directory, or '' for the image's default. */
  readonly workDir: string;
  /** Environment variables, in the order given. */
  readonly environment: ReadonlyArray<readonly [string, string]>;
  readonly archs: readonly string[];
}

const list = (indent: string, items: readonly string[]) => items.map((i) => `${indent}- ${i}\n`).join('');

/** The apko.yaml for `c`. */
export function imageConfigText(c: ImageConfigText): string {
  const hint = (distro: 'wolfi' | 'alpine', wolfi: string, alpine: string) => (c.base !== distro ? `    # ${distro === 'wolfi' ? wolfi : alpine}\n` : '');
  return [
    `# The ${c.project} image, built by apko-nx: \`nx run ${c.project}:image\`.\n`,
    '# Relative paths are relative to this directory (the build\'s working directory).\n',
    'contents:\n',
    '  repositories:\n',
    list('    ', c.repositories),
    hint('wolfi', 'Wolfi (glibc): - https://packages.wolfi.dev/os', ''),
    hint('alpine', '', 'Alpine (musl): - https://dl-cdn.alpinelinux.org/alpine/v3.22/main'),
    '  keyring:\n',
    list('    ', c.keyring),
    hint('wolfi', 'Wolfi: - https://packages.wolfi.dev/os/wolfi-signing.rsa.pub', ''),
    hint('alpine', '', 'Alpine: - https://alpinelinux.org/keys/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub'),
    '  packages:\n',
    list('    ', c.packages),
    '\n',
    'accounts:\n',
    '  groups:\n',
    `    - groupname: ${c.user}\n`,
    `      gid: ${c.uid}\n`,
    '  users:\n',
    `    - username: ${c.user}\n`,
    `      uid: ${c.uid}\n`,
    `      gid: ${c.uid}\n`,
    `  run-as: ${c.user}\n`,
    '\n',
    c.entrypoint ? `entrypoint:\n  command: ${c.entrypoint}\n` : `# entrypoint:\n#   command: /usr/bin/${c.project}\n`,
    c.workDir ? `work-dir: ${c.workDir}\n` : '',
    c.environment.length > 0 ? `environment:\n${c.environment.map(([k, v]) => `  ${k}: ${v}\n`).join('')}` : '',
    '\n',
    'archs:\n',
    list('  ', c.archs),
  ].join('');
}
