/**
 * The melange.yaml text the package generator writes, as code (no template
 * engine at run time; see ../nx-api.ts).
 */

/** What the written melange.yaml says. */
export interface MelangeText {
  readonly name: string;
  readonly project: string;
  readonly packageTarget: string;
  readonly version: string;
  readonly description: string;
  readonly license: string;
  readonly buildOutput: string;
  readonly installDir: string;
  readonly bin: string;
  readonly runtime: readonly string[];
  readonly signingKey: string;
}

/** The melange.yaml for `m`. */
export function melangeText(m: MelangeText): string {
  const runtime = m.runtime.length > 0 ? `  dependencies:\n    runtime:\n${m.runtime.map((r) => `      - ${r}\n`).join('')}` : '';
  const bin = m.bin
    ? `      mkdir -p "\${{targets.destdir}}/usr/bin"\n      ln -s ${m.installDir}/${m.bin} "\${{targets.destdir}}/usr/bin/${m.bin}"\n`
    : '';
  return [
    `# The ${m.name} package, built by apko-nx's melange: \`nx run ${m.project}:${m.packageTarget}\`.\n`,
    `# It packages this project's build output (${m.buildOutput}/) and is signed with the\n`,
    `# workspace key ${m.signingKey}, whose public half the workspace's apko.yaml files trust.\n`,
    'package:\n',
    `  name: ${m.name}\n`,
    `  version: ${m.version}\n`,
    '  epoch: 0\n',
    `  description: ${JSON.stringify(m.description)}\n`,
    '  copyright:\n',
    `    - license: ${m.license}\n`,
    runtime,
    '\n',
    '# The steps run in bubblewrap: this machine\'s root read-only, the project directory as\n',
    '# the workspace (/home/build) and a private /tmp. To build in a root made of packages\n',
    '# instead, list them in environment.contents, e.g.:\n',
    '# environment:\n',
    '#   contents:\n',
    '#     repositories: [https://packages.wolfi.dev/os]\n',
    '#     keyring: [https://packages.wolfi.dev/os/wolfi-signing.rsa.pub]\n',
    '#     packages: [busybox]\n',
    '\n',
    'pipeline:\n',
    '  - name: install the build output\n',
    '    runs: |\n',
    `      mkdir -p "\${{targets.destdir}}${m.installDir}"\n`,
    `      cp -R ./${m.buildOutput}/. "\${{targets.destdir}}${m.installDir}/"\n`,
    bin,
  ].join('');
}
