import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createNodes, createNodesV2 } from './index';

let ws: string;

function write(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, path)), { recursive: true });
    writeFileSync(join(ws, path), text);
  }
}

const context = () => ({ nxJsonConfiguration: {}, workspaceRoot: ws });
const infer = (files: string[], options?: Record<string, unknown>) => createNodes[1](files, options, context());

const API = `contents:
  repositories: [../dist/packages/api-server, ./vendor/repo, https://packages.wolfi.dev/os]
  keyring: [../melange.rsa.pub, https://packages.wolfi.dev/os/wolfi-signing.rsa.pub]
  packages: [api-server]
include: ../shared/base.apko.yaml
`;

beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'apko-nx-nodes-'));
  write({
    'api/apko.yaml': API,
    'shared/base.apko.yaml': 'contents:\n  packages: [ca-certificates]\n',
    'api-server/melange.yaml': 'package:\n  name: api-server\n  version: 0.1.0\n',
    'api-server/project.json': '{ "name": "server-app" }',
  });
});

describe('createNodes', () => {
  it('is exported under both names Nx 21–24 look up, matching apko and melange configs', () => {
    expect(createNodesV2).toBe(createNodes);
    expect(createNodes[0]).toBe('**/{apko.yaml,*.apko.yaml,melange.yaml}');
  });

  it('infers image, publish and lock targets for an apko.yaml in a directory with no project file, naming the project after it', async () => {
    const [[file, result]] = await infer(['api/apko.yaml']);
    expect(file).toBe('api/apko.yaml');
    expect(result).toMatchInlineSnapshot(`
      {
        "projects": {
          "api": {
            "metadata": {
              "targetGroups": {
                "apko": [
                  "image",
                  "publish",
                  "lock",
                ],
              },
            },
            "name": "api",
            "root": "api",
            "targets": {
              "image": {
                "cache": true,
                "dependsOn": [
                  "^package",
                ],
                "executor": "@apko/nx:image",
                "inputs": [
                  "{workspaceRoot}/api/apko.yaml",
                  "{workspaceRoot}/api/apko.lock.json",
                  "{workspaceRoot}/melange.local.rsa.pub",
                  "{workspaceRoot}/shared/base.apko.yaml",
                  "{workspaceRoot}/melange.rsa.pub",
                  "{workspaceRoot}/api/vendor/repo/**/*",
                  {
                    "dependentTasksOutputFiles": "**/*.apk",
                    "transitive": true,
                  },
                  {
                    "externalDependencies": [
                      "@apko/nx",
                    ],
                  },
                  {
                    "env": "SOURCE_DATE_EPOCH",
                  },
                ],
                "metadata": {
                  "description": "Build the OCI image described by apko.yaml",
                  "help": {
                    "command": "npx apko-nx build apko.yaml <tag> <dir>",
                    "example": {
                      "options": {
                        "archs": [
                          "x86_64",
                        ],
                      },
                    },
                  },
                  "technologies": [
                    "apko",
                  ],
                },
                "options": {
                  "config": "api/apko.yaml",
                  "localKeyring": "melange.local.rsa.pub",
                  "outputPath": "dist/images/api",
                },
                "outputs": [
                  "{workspaceRoot}/dist/images/api",
                ],
              },
              "lock": {
                "cache": false,
                "executor": "@apko/nx:lock",
                "metadata": {
                  "description": "Resolve apko.yaml and write apko.lock.json",
                  "technologies": [
                    "apko",
                  ],
                },
                "options": {
                  "config": "api/apko.yaml",
                  "lockfile": "api/apko.lock.json",
                },
              },
              "publish": {
                "cache": false,
                "dependsOn": [
                  "image",
                ],
                "executor": "@apko/nx:publish",
                "metadata": {
                  "description": "Push the image of apko.yaml to a registry (set options.tags)",
                  "technologies": [
                    "apko",
                  ],
                },
                "options": {
                  "config": "api/apko.yaml",
                  "tags": [],
                },
              },
            },
          },
        },
      }
    `);
  });

  it('infers a package target owning a per-project repository, keeping the name project.json gives', async () => {
    const [[, result]] = await infer(['api-server/melange.yaml']);
    const project = result.projects!['api-server']!;
    expect(project.name).toBe('server-app');
    expect(project.targets!.package).toMatchObject({
      executor: '@apko/nx:package',
      cache: true,
      // By name, so a build another plugin infers (@nx/js/typescript, @nx/vite, …) runs first too.
      dependsOn: ['build'],
      outputs: ['{workspaceRoot}/dist/packages/api-server'],
      options: { config: 'api-server/melange.yaml', outputPath: 'dist/packages/api-server', archs: ['x86_64'], signingKey: 'melange.rsa', buildTarget: 'build' },
    });
    expect(project.targets!.package!.options).not.toHaveProperty('vcs');
    expect(project.targets!.package!.inputs).toContain('!{projectRoot}/apko.yaml');
  });

  it('leaves the name to Nx when project.json has none, and takes package.json\'s otherwise', async () => {
    write({ 'a/project.json': '{}', 'a/apko.yaml': 'contents: {}\n', 'b/package.json': '{ "name": "@scope/b" }', 'b/apko.yaml': 'contents: {}\n' });
    const [[, a], [, b]] = await infer(['a/apko.yaml', 'b/apko.yaml']);
    expect(a.projects!.a).not.toHaveProperty('name');
    expect(b.projects!.b!.name).toBe('@scope/b');
  });

  it('gives a <stem>.apko.yaml suffixed targets and its own output directory, and an image beside a melange.yaml its own package first', async () => {
    write({ 'api-server/debug.apko.yaml': 'contents:\n  packages: [api-server]\n' });
    const [[, result]] = await infer(['api-server/debug.apko.yaml']);
    const targets = result.projects!['api-server']!.targets!;
    expect(Object.keys(targets)).toEqual(['image-debug', 'publish-debug', 'lock-debug']);
    expect(targets['image-debug']).toMatchObject({
      dependsOn: ['^package', 'package'],
      outputs: ['{workspaceRoot}/dist/images/api-server-debug'],
      options: { outputPath: 'dist/images/api-server-debug', config: 'api-server/debug.apko.yaml' },
    });
    expect(targets['publish-debug']!.dependsOn).toEqual(['image-debug']);
    expect(targets['lock-debug']!.options.lockfile).toBe('api-server/debug.apko.lock.json');
  });

  it('passes an existing lock file to the image and publish targets, and infers again when the lock file appears or goes', async () => {
    write({ 'api-server/debug.apko.yaml': 'contents:\n  packages: [api-server]\n' });
    const [[, before]] = await infer(['api/apko.yaml']);
    expect(before.projects!.api!.targets!.image!.options).not.toHaveProperty('lockfile');
    write({ 'api/apko.lock.json': '{}\n', 'api-server/debug.apko.lock.json': '{}\n' });
    const [[, locked], [, debug]] = await infer(['api/apko.yaml', 'api-server/debug.apko.yaml']);
    const targets = locked.projects!.api!.targets!;
    expect(targets.image!.options.lockfile).toBe('api/apko.lock.json');
    expect(targets.publish!.options.lockfile).toBe('api/apko.lock.json');
    expect(targets.lock!.options).toEqual({ config: 'api/apko.yaml', lockfile: 'api/apko.lock.json' });
    expect(debug.projects!['api-server']!.targets!['image-debug']!.options.lockfile).toBe('api-server/debug.apko.lock.json');
    // The target a stale lock's error names: nx run <project>:<lockTarget>.
    expect(targets.image!.options.lockTarget).toBe('lock');
    expect(debug.projects!['api-server']!.targets!['image-debug']!.options.lockTarget).toBe('lock-debug');
    rmSync(join(ws, 'api/apko.lock.json'));
    const [[, unlocked]] = await infer(['api/apko.yaml']);
    expect(unlocked.projects!.api!.targets!.image!.options).not.toHaveProperty('lockfile');
  });

  it('gives each config of a project its own targets, each hashing its own config and lock file (and the local key every image trusts)', async () => {
    write({ 'api-server/apko.yaml': 'contents:\n  packages: [api-server]\n', 'api-server/debug.apko.yaml': 'contents:\n  packages: [api-server, busybox]\n' });
    const [[, main], [, debug]] = await infer(['api-server/apko.yaml', 'api-server/debug.apko.yaml']);
    const inputs = (r: typeof main, t: string) => r.projects!['api-server']!.targets![t]!.inputs!.filter((i): i is string => typeof i === 'string');
    const localKey = '{workspaceRoot}/melange.local.rsa.pub';
    expect(inputs(main, 'image')).toEqual(['{workspaceRoot}/api-server/apko.yaml', '{workspaceRoot}/api-server/apko.lock.json', localKey]);
    expect(inputs(debug, 'image-debug')).toEqual(['{workspaceRoot}/api-server/debug.apko.yaml', '{workspaceRoot}/api-server/debug.apko.lock.json', localKey]);
  });

  it('hashes the base image layout and APKINDEX directories of contents.baseimage as inputs of the image', async () => {
    write({ 'app/apko.yaml': 'contents:\n  baseimage:\n    image: ./base\n    apkindex: ./apkindex\n  packages: [curl]\n' });
    const [[, r]] = await infer(['app/apko.yaml']);
    const inputs = r.projects!.app!.targets!.image!.inputs!.filter((i): i is string => typeof i === 'string');
    expect(inputs).toEqual(expect.arrayContaining(['{workspaceRoot}/app/base/**/*', '{workspaceRoot}/app/apkindex/**/*']));
  });

  it('depends on the build target the buildTargetName option names', async () => {
    const [[, pkg]] = await infer(['api-server/melange.yaml'], { buildTargetName: 'compile' });
    expect(pkg.projects!['api-server']!.targets!.package).toMatchObject({ dependsOn: ['compile'], options: { buildTarget: 'compile' } });
  });

  it('keeps git facts out of outputs by default, and with the vcs option records them and hashes HEAD', async () => {
    const runtime = (t: { inputs?: unknown[] }) => (t.inputs ?? []).filter((i) => typeof i === 'object' && i !== null && 'runtime' in i);
    const [[, img], [, pkg]] = await infer(['api/apko.yaml', 'api-server/melange.yaml']);
    expect(runtime(img.projects!.api!.targets!.image!)).toEqual([]);
    expect(runtime(pkg.projects!['api-server']!.targets!.package!)).toEqual([]);
    const [[, vimg], [, vpkg]] = await infer(['api/apko.yaml', 'api-server/melange.yaml'], { vcs: true });
    const image = vimg.projects!.api!.targets!.image!;
    const packaged = vpkg.projects!['api-server']!.targets!.package!;
    expect(image.options.vcs).toBe(true);
    expect(runtime(image)).toEqual([{ runtime: 'git rev-parse HEAD && (git remote get-url origin || true)' }]);
    expect(packaged.options.vcs).toBe(true);
    expect(runtime(packaged)).toEqual([{ runtime: 'git rev-parse HEAD' }]);
  });

  it('uses the target names and output directory of the plugin options', async () => {
    const [[, img], [, pkg]] = await infer(['api/apko.yaml', 'api-server/melange.yaml'], {
      imageTargetName: 'oci',
      publishTargetName: 'push',
      lockTargetName: 'pin',
      packageTargetName: 'apk',
      outputDir: 'out',
      archs: ['aarch64'],
    });
    expect(Object.keys(img.projects!.api!.targets!)).toEqual(['oci', 'push', 'pin']);
    expect(img.projects!.api!.targets!.oci!.dependsOn).toEqual(['^apk']);
    expect(img.projects!.api!.targets!.oci!.outputs).toEqual(['{workspaceRoot}/out/images/api']);
    expect(pkg.projects!['api-server']!.targets!.apk!.options).toMatchObject({ outputPath: 'out/packages/api-server', archs: ['aarch64'] });
  });

  it('puts no absolute path into what it infers, so hashes agree across checkouts', async () => {
    const results = await infer(['api/apko.yaml', 'api-server/melange.yaml']);
    expect(JSON.stringify(results)).not.toContain(ws);
  });

  it('reuses the targets cached for unchanged files and recomputes when a config changes', async () => {
    await infer(['api/apko.yaml']);
    const cacheDir = join(ws, '.nx', 'workspace-data');
    const cacheFile = join(cacheDir, readdirSync(cacheDir).find((f) => f.startsWith('apko-nx-'))!);
    // Mark the cached entry: a second inference that returns the mark did not recompute.
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
    for (const entry of Object.values(cached) as Array<{ project: { metadata: Record<string, unknown> } }>) entry.project.metadata.marked = true;
    writeFileSync(cacheFile, JSON.stringify(cached));
    const [[, again]] = await infer(['api/apko.yaml']);
    expect(again.projects!.api!.metadata).toMatchObject({ marked: true });

    write({ 'shared/base.apko.yaml': 'contents:\n  packages: [tzdata]\n' });
    const [[, changed]] = await infer(['api/apko.yaml']);
    expect(changed.projects!.api!.metadata).not.toHaveProperty('marked');
  });

  it('keeps only the entries of the current configs in the cache file', async () => {
    await infer(['api/apko.yaml', 'api-server/melange.yaml']);
    write({ 'api/apko.yaml': API.replace('api-server]', 'api-server, tzdata]') });
    await infer(['api/apko.yaml', 'api-server/melange.yaml']);
    const cacheDir = join(ws, '.nx', 'workspace-data');
    const [name] = readdirSync(cacheDir);
    expect(Object.keys(JSON.parse(readFileSync(join(cacheDir, name), 'utf8')))).toHaveLength(2);
  });
});
