import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool, isRoot } from './support/env';
import { writeNodeRuntimeRepository } from './support/node-runtime';
import { commitAll, packPlugin, runAsync, type Run } from './support/nx-workspace';
import { serveImage } from './support/serve-image';
import { testKey } from './support/workspace';

/**
 * A Node.js service as an Nx user makes one: `create-nx-workspace@22
 * --preset=ts` (the TypeScript monorepo Nx 22 suggests; `@nx/node` is added
 * to it as its docs say), `nx add @nx/node`, `nx g @nx/node:app`, a
 * third-party dependency the server uses, the packed plugin and nothing else,
 * once for each package manager Nx creates workspaces with (npm, pnpm, yarn
 * classic), each with its own commands. `nx g @apko/nx:image` then scaffolds
 * the package and image; the runtime comes from a local repository passed with
 * --repositories/--keyring, as a private mirror would supply it, so nothing
 * but the npm registry is reached. The image runs under runc and answers on
 * loopback, and a fresh package build is byte-identical to the first.
 */
interface Manager {
  readonly pm: 'npm' | 'pnpm' | 'yarn';
  /** Adds the runtime dependency to the app. */
  readonly addDependency: readonly string[];
  /** Adds dev dependencies (types, the packed plugin) to the workspace root. */
  readonly addDev: (packages: readonly string[]) => readonly string[];
}

const MANAGERS: readonly Manager[] = [
  {
    pm: 'npm',
    addDependency: ['npm', 'install', 'ms@2.1.3', '-w', '@svc/api', '--no-audit', '--no-fund', '--loglevel=error'],
    addDev: (p) => ['npm', 'install', '--save-dev', '--no-audit', '--no-fund', '--loglevel=error', ...p],
  },
  { pm: 'pnpm', addDependency: ['pnpm', 'add', 'ms@2.1.3', '--filter', '@svc/api'], addDev: (p) => ['pnpm', 'add', '-D', '-w', ...p] },
  {
    pm: 'yarn',
    addDependency: ['yarn', 'workspace', '@svc/api', 'add', 'ms@2.1.3'],
    addDev: (p) => ['yarn', 'add', '-D', '-W', ...p.map((x) => (x.endsWith('.tgz') ? `file:${x}` : x))],
  },
];

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const ready = ['git', 'bwrap', 'skopeo', 'umoci', 'runc'].every((t) => hasTool(t)) && isRoot();

const MAIN = `import { createServer } from 'node:http';
import ms from 'ms';

const port = Number(process.env.PORT ?? 3000);
createServer((_req, res) => {
  res.end(\`retry in \${ms(90_000, { long: true })} (uid \${process.getuid?.()}, \${process.env.NODE_ENV})\\n\`);
}).listen(port, '127.0.0.1', () => console.log(\`listening on \${port}\`));
`;

for (const m of MANAGERS) describe.skipIf(!(ready && hasTool(m.pm)))(`a Node.js service in an Nx 22 workspace made with ${m.pm}`, () => {
  let ws: string;
  const nx = async (...args: string[]): Promise<Run> => {
    const r = await runAsync(ws, join(ws, 'node_modules', '.bin', 'nx'), args);
    if (r.code !== 0) throw new Error(`nx ${args.join(' ')} failed (${r.code}):\n${r.output}`);
    return r;
  };
  const ok = async (cwd: string, cmd: string, args: string[]) => {
    const r = await runAsync(cwd, cmd, args);
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}):\n${r.output}`);
    return r.output;
  };

  beforeAll(async () => {
    const parent = mkdtempSync(join(tmpdir(), 'apko-nx-e2e-node-'));
    await ok(parent, 'npx', ['-y', 'create-nx-workspace@22', 'svc', '--preset=ts', `--pm=${m.pm}`, '--nxCloud=skip', '--interactive=false']);
    ws = join(parent, 'svc');
    await nx('add', '@nx/node');
    await nx('g', '@nx/node:app', 'apps/api', '--no-interactive');
    await ok(ws, m.addDependency[0]!, m.addDependency.slice(1));
    writeFileSync(join(ws, 'apps/api/src/main.ts'), MAIN);
    // The build type-checks, so the dependency's types come too, with the plugin in one install.
    const addDev = m.addDev(['@types/ms@2.1.0', packPlugin()]);
    await ok(ws, addDev[0]!, addDev.slice(1));
    await nx('g', '@apko/nx:init');
    const key = testKey();
    writeFileSync(join(ws, key.publicKeyName), key.publicKeyPem);
    await writeNodeRuntimeRepository(join(ws, 'node-runtime'), key);
    commitAll(ws, 'api service');
  }, 900_000);

  afterAll(() => {
    if (ws && process.env.APKO_E2E_KEEP !== '1') rmSync(join(ws, '..'), { recursive: true, force: true });
  });

  it('scaffolds the app\'s package and image with nx g @apko/nx:image', async () => {
    const { output } = await nx('g', '@apko/nx:image', '@svc/api', '--base=none', '--runtimePackage=nodejs', '--repositories=../../node-runtime', `--keyring=../../${testKey().publicKeyName}`);
    expect(output).toContain('CREATE apps/api/melange.yaml');
    expect(output).toContain('nodejs must come from ../../node-runtime');
    expect(readFileSync(join(ws, 'apps/api/melange.yaml'), 'utf8')).toContain(`install the production dependencies (${m.pm})`);
    const apko = parse(readFileSync(join(ws, 'apps/api/apko.yaml'), 'utf8'));
    expect(apko.contents.packages).toEqual(['api', 'nodejs']);
    expect(apko.entrypoint.command).toBe('node /usr/lib/api/main.js');
    expect(JSON.parse(readFileSync(join(ws, 'apps/api/package.json'), 'utf8')).nx.targets.package).toEqual({ dependsOn: ['build', 'prune'] });
    commitAll(ws, 'api image');
  }, 120_000);

  it('builds the image, which serves HTTP on loopback under runc as a non-root user, using its npm dependency', async () => {
    const { output } = await nx('run', '@svc/api:image');
    expect(output).toContain('nx run @svc/api:prune-lockfile');
    expect(output).toContain('nx run @svc/api:package');
    const served = await serveImage(join(ws, 'dist/images/apps/api/oci'), `node-service-${m.pm}`);
    expect(served.args).toEqual(['node', '/usr/lib/api/main.js']);
    expect(served.user).toMatchObject({ uid: 65532, gid: 65532 });
    expect(served.cwd).toBe('/usr/lib/api');
    expect(served.body).toBe('retry in 2 minutes (uid 65532, production)\n');
  }, 600_000);

  it('builds the same package bytes again from scratch, whatever the package manager records of its install', async () => {
    const apk = join(ws, 'dist/packages/apps/api/x86_64/api-0.0.1-r0.apk');
    const first = sha256(readFileSync(apk));
    await nx('run', '@svc/api:package', '--skip-nx-cache');
    expect(sha256(readFileSync(apk))).toBe(first);
  }, 300_000);

  it('still builds the app with nx run <app>:build, the apko.yaml in its project', async () => {
    rmSync(join(ws, 'apps/api/dist'), { recursive: true, force: true });
    await nx('run', '@svc/api:build', '--skip-nx-cache');
    expect(existsSync(join(ws, 'apps/api/dist/main.js'))).toBe(true);
  }, 300_000);
});
