/**
 * The melange.yaml the image generator writes for a Node.js app: the build
 * output (with the pruned package.json and lockfile Nx writes beside it)
 * installed under /usr/lib/<name>, then its production dependencies installed
 * there from that lockfile, so the package holds everything `node` loads.
 */
import type { NodeApp } from './node-app';

/** Where the app lives in the image. */
export const nodeAppDir = (app: NodeApp) => `/usr/lib/${app.name}`;

/** The melange.yaml for `app`. */
export function nodeMelangeText(app: NodeApp, project: string, packageTarget: string, signingKey: string): string {
  const dir = nodeAppDir(app);
  return [
    `# The ${app.name} package, built by apko-nx's melange: \`nx run ${project}:${packageTarget}\`.\n`,
    `# It holds this Node.js app's build output (${app.buildOutput}/, where the targets it waits for,\n`,
    `# ${app.dependsOn.join(', ')}, write the app and its pruned package.json and lockfile) and its\n`,
    `# production dependencies, and is signed with the workspace key ${signingKey}.\n`,
    'package:\n',
    `  name: ${app.name}\n`,
    `  version: ${app.version}\n`,
    '  epoch: 0\n',
    `  description: ${JSON.stringify(`${project}, a Node.js app packaged by @apko/nx`)}\n`,
    '  copyright:\n',
    `    - license: ${app.license}\n`,
    '\n',
    'pipeline:\n',
    '  - name: install the build output\n',
    '    runs: |\n',
    `      mkdir -p "\${{targets.destdir}}${dir}"\n`,
    `      cp -R ./${app.buildOutput}/. "\${{targets.destdir}}${dir}/"\n`,
    '      # Type declarations and build info are not needed at run time.\n',
    `      find "\${{targets.destdir}}${dir}" \\( -name '*.d.ts' -o -name '*.d.ts.map' -o -name '*.tsbuildinfo' \\) -type f -delete\n`,
    `  - name: install the production dependencies (${app.packageManager})\n`,
    '    runs: |\n',
    `      cd "\${{targets.destdir}}${dir}"\n`,
    ...app.install.map((line) => `      ${line}\n`),
  ].join('');
}
