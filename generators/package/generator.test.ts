import { addProjectConfiguration, logger, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { loadMelangeConfig } from '../../engine/format';
import initGenerator from '../init/generator';
import packageGenerator from './generator';

let tree: Tree;

beforeEach(async () => {
  vi.restoreAllMocks();
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  tree = createTreeWithEmptyWorkspace();
  await initGenerator(tree, { keySize: 2048, skipFormat: true });
  addProjectConfiguration(tree, 'api-server', { root: 'apps/api-server', targets: { build: { command: 'make' } } });
  tree.write('apps/api-server/package.json', '{ "name": "api-server", "license": "MIT" }');
});

describe('package generator', () => {
  it('writes a melange.yaml that installs the build output, links a program into /usr/bin and loads as a valid melange config', async () => {
    await packageGenerator(tree, { project: 'api-server', bin: 'api-server', runtime: 'ca-certificates', skipFormat: true });
    const text = tree.read('apps/api-server/melange.yaml', 'utf8')!;
    expect(parse(text)).toEqual({
      package: {
        name: 'api-server',
        version: '0.1.0',
        epoch: 0,
        description: 'api-server, packaged by @apko/nx',
        copyright: [{ license: 'MIT' }],
        dependencies: { runtime: ['ca-certificates'] },
      },
      pipeline: [
        {
          name: 'install the build output',
          runs:
            'mkdir -p "${{targets.destdir}}/usr/lib/api-server"\n' +
            'cp -R ./dist/. "${{targets.destdir}}/usr/lib/api-server/"\n' +
            'mkdir -p "${{targets.destdir}}/usr/bin"\n' +
            'ln -s /usr/lib/api-server/api-server "${{targets.destdir}}/usr/bin/api-server"\n',
        },
      ],
    });
    expect(text).toContain('signed with the\n# workspace key melange.rsa');
    const dir = mkdtempSync(join(tmpdir(), 'apko-nx-gen-'));
    writeFileSync(join(dir, 'melange.yaml'), text);
    const loaded = await loadMelangeConfig(join(dir, 'melange.yaml'));
    expect(loaded.config.package.name).toBe('api-server');
  });

  it('writes nothing into project.json for a build target the inferred package target already depends on', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    await packageGenerator(tree, { project: 'api-server', skipFormat: true });
    expect(readProjectConfiguration(tree, 'api-server').targets).toEqual({ build: { command: 'make' } });
    expect(warn).not.toHaveBeenCalled();
  });

  it('makes the package target depend on --buildTarget, and check its outputs, when it is another target', async () => {
    addProjectConfiguration(tree, 'tool', { root: 'tools/tool', targets: { compile: { command: 'make' } } });
    await packageGenerator(tree, { project: 'tool', buildTarget: 'compile', skipFormat: true });
    const expected = { dependsOn: ['compile'], options: { buildTarget: 'compile' } };
    expect(readProjectConfiguration(tree, 'tool').targets!.package).toEqual(expected);
    await packageGenerator(tree, { project: 'tool', buildTarget: 'compile', skipFormat: true });
    expect(readProjectConfiguration(tree, 'tool').targets!.package).toEqual(expected);
  });

  it('says a project has no build target and what to add, and refuses a --buildTarget it does not have', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    addProjectConfiguration(tree, 'lib', { root: 'libs/lib', targets: { test: { command: 'true' } } });
    await packageGenerator(tree, { project: 'lib', skipFormat: true });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/^lib has no build target \(its targets: test\), so nx run lib:package packages libs\/lib\/dist\/ as it is on disk\.\nhint: add a build target that writes libs\/lib\/dist\/ .*--buildTarget=<name>/);
    expect(readProjectConfiguration(tree, 'lib').targets).toEqual({ test: { command: 'true' } });
    await expect(packageGenerator(tree, { project: 'lib', buildTarget: 'compile', skipFormat: true })).rejects.toThrow('lib has no target "compile" (its targets: test)\nhint: pass --buildTarget');
  });

  it('takes the version from the project\'s package.json, and refuses one apk cannot carry', async () => {
    tree.write('apps/api-server/package.json', '{ "name": "api-server", "version": "2.3.4" }');
    await packageGenerator(tree, { project: 'api-server', skipFormat: true });
    expect(parse(tree.read('apps/api-server/melange.yaml', 'utf8')!).package.version).toBe('2.3.4');
    tree.write('apps/api-server/package.json', '{ "name": "api-server", "version": "1.0.0-beta.1" }');
    await expect(packageGenerator(tree, { project: 'api-server', overwrite: true, skipFormat: true })).rejects.toThrow(
      'the version in apps/api-server/package.json "1.0.0-beta.1" is not an apk package version',
    );
    await packageGenerator(tree, { project: 'api-server', packageVersion: '1.0.0_beta1', overwrite: true, skipFormat: true });
    expect(parse(tree.read('apps/api-server/melange.yaml', 'utf8')!).package.version).toBe('1.0.0_beta1');
  });

  it('takes the name, version, install directory and build output from options, for a project that does not exist yet', async () => {
    await packageGenerator(tree, { project: 'worker', directory: 'services/worker', name: 'worker-bin', packageVersion: '2.0.1', buildOutput: './out/', installDir: '/opt/worker/', skipFormat: true });
    const pkg = parse(tree.read('services/worker/melange.yaml', 'utf8')!);
    expect(pkg.package).toMatchObject({ name: 'worker-bin', version: '2.0.1', copyright: [{ license: 'NOASSERTION' }] });
    expect(pkg.pipeline[0].runs).toBe('mkdir -p "${{targets.destdir}}/opt/worker"\ncp -R ./out/. "${{targets.destdir}}/opt/worker/"\n');
  });

  it('refuses a different existing melange.yaml unless --overwrite, and an invalid package name', async () => {
    tree.write('apps/api-server/melange.yaml', 'package:\n  name: mine\n');
    await expect(packageGenerator(tree, { project: 'api-server', skipFormat: true })).rejects.toThrow(
      'apps/api-server/melange.yaml already exists and differs from what this generator would write; pass --overwrite to replace it',
    );
    expect(tree.read('apps/api-server/melange.yaml', 'utf8')).toBe('package:\n  name: mine\n');
    await expect(packageGenerator(tree, { project: 'api-server', name: 'bad name' })).rejects.toThrow('"bad name" is not a valid package name');
  });

  it('formats what it writes unless told not to, and stays idempotent', async () => {
    await packageGenerator(tree, { project: 'api-server' });
    const first = tree.read('apps/api-server/melange.yaml', 'utf8');
    await packageGenerator(tree, { project: 'api-server' });
    expect(tree.read('apps/api-server/melange.yaml', 'utf8')).toBe(first);
  });
});
