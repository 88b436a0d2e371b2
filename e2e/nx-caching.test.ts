import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readApkBytes } from '../engine/format';
import { hasTool } from './support/env';
import { commitAll, digestTree, nxTasks, packPlugin, runAsync, writeFiles, type Run } from './support/nx-workspace';

/**
 * Caching stays correct when another plugin makes the build target: an Nx 22
 * workspace made as `create-nx-workspace --preset=ts` makes it, a library
 * from `nx g @nx/js:lib` whose `build` is inferred by `@nx/js/typescript`,
 * packaged with `nx g @apko/nx:package`. A changed source file reaches the
 * .apk; an empty commit changes no byte, cached or fresh; a missing build
 * output is refused; an image config in the library's own project leaves
 * its build working and gets a valid default tag from the scoped name.
 */
const ready = hasTool('git') && hasTool('bwrap');

const LIB = '@cachews/greet';
/** The package's file: the generator versions it as the library's package.json does. */
const apkPath = (ws: string) => {
  const version: string = JSON.parse(readFileSync(join(ws, 'packages/greet/package.json'), 'utf8')).version;
  return join(ws, `dist/packages/packages/greet/x86_64/greet-${version}-r0.apk`);
};

describe.skipIf(!ready)('package caching with a build target inferred by @nx/js (Nx 22)', () => {
  let parent: string;
  let ws: string;
  const ok = async (cmd: string, args: string[], cwd = ws): Promise<string> => {
    const r: Run = await runAsync(cwd, cmd, args);
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}):\n${r.output}`);
    return r.output;
  };
  const nx = (...args: string[]) => runAsync(ws, join(ws, 'node_modules', '.bin', 'nx'), [...args, '--output-style=static']);
  const nxOk = (...args: string[]) => ok(join(ws, 'node_modules', '.bin', 'nx'), [...args, '--output-style=static']);
  // Generators take no --output-style.
  const generate = (...args: string[]) => ok(join(ws, 'node_modules', '.bin', 'nx'), ['g', ...args]);
  const greetJs = () => {
    const keyring = new Map([['melange.rsa.pub', readFileSync(join(ws, 'melange.rsa.pub'), 'utf8')]]);
    const apk = readApkBytes(readFileSync(apkPath(ws)), { verifySignature: true, keyring });
    const file = apk.dataEntries.find((e) => e.name === 'usr/lib/greet/lib/greet.js');
    expect(file, 'the built module is in the package').toBeDefined();
    return { text: file!.data.toString('utf8'), pkginfo: apk.pkginfo };
  };

  beforeAll(async () => {
    parent = mkdtempSync(join(tmpdir(), 'apko-nx-e2e-caching-'));
    await ok('npx', ['-y', 'create-nx-workspace@22', 'cachews', '--preset=ts', '--pm=npm', '--nxCloud=skip', '--interactive=false'], parent);
    ws = join(parent, 'cachews');
    await generate('@nx/js:lib', 'packages/greet', '--bundler=tsc', '--unitTestRunner=none', '--linter=none', '--interactive=false');
    await ok('npm', ['install', '--save-dev', '--no-audit', '--no-fund', '--loglevel=error', packPlugin()]);
    await generate('@apko/nx:init');
    await generate('@apko/nx:package', LIB);
    commitAll(ws, 'greet library, packaged');
  }, 420_000);

  afterAll(() => {
    if (parent && process.env.APKO_E2E_KEEP !== '1') rmSync(parent, { recursive: true, force: true });
  });

  it('infers a package target that depends on the build @nx/js/typescript inferred', async () => {
    const project = JSON.parse(await ok(join(ws, 'node_modules', '.bin', 'nx'), ['show', 'project', LIB, '--json']));
    expect(project.targets.build.command ?? project.targets.build.options.command).toContain('tsc --build');
    expect(project.targets.package.dependsOn).toEqual([`${LIB}:build`]);
  }, 60_000);

  it('packages the new code after a source file changes', async () => {
    await nxOk('run', `${LIB}:package`);
    writeFileSync(join(ws, 'packages/greet/src/lib/greet.ts'), "export function greet(): string {\n  return 'hello from the second version';\n}\n");
    commitAll(ws, 'second version');
    const out = await nxOk('run', `${LIB}:package`);
    expect([...nxTasks(out)]).toEqual([
      [`${LIB}:build`, 'ran'],
      [`${LIB}:package`, 'ran'],
    ]);
    expect(greetJs().text).toContain('hello from the second version');
  }, 240_000);

  it('gives byte-identical packages, cached and fresh, after an empty commit, with no commit recorded', async () => {
    const built = digestTree(join(ws, 'dist/packages'));
    await ok('git', ['commit', '-q', '--allow-empty', '-m', 'nothing']);
    const cached = await nxOk('run', `${LIB}:package`);
    expect(nxTasks(cached).get(`${LIB}:package`)).toBe('local cache');
    expect(digestTree(join(ws, 'dist/packages'))).toEqual(built);
    const fresh = await nxOk('run', `${LIB}:package`, '--skip-nx-cache');
    expect(nxTasks(fresh).get(`${LIB}:package`)).toBe('ran');
    expect(digestTree(join(ws, 'dist/packages'))).toEqual(built);
    const { pkginfo } = greetJs();
    expect(pkginfo.commit ?? '').toBe('');
    expect(pkginfo.builddate ?? 0).toBe(0);
  }, 240_000);

  it('refuses to package when the build output is missing, naming it and the build to run', async () => {
    const before = digestTree(join(ws, 'dist/packages'));
    rmSync(join(ws, 'packages/greet/dist'), { recursive: true, force: true });
    const r = await nx('run', `${LIB}:package`, '--exclude-task-dependencies', '--skip-nx-cache');
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(`packages/greet/dist does not exist: ${LIB}:build declares it as its output`);
    expect(r.output).toContain(`hint: run nx run ${LIB}:build first`);
    // The previous repository is still there, whole.
    expect(digestTree(join(ws, 'dist/packages'))).toEqual(before);
  }, 120_000);

  it('keeps the library\'s build working with an apko.yaml in its own project, and tags the image from the scoped name', async () => {
    writeFiles(ws, {
      'packages/greet/apko.yaml': [
        'contents:',
        '  repositories: [../../dist/packages/packages/greet]',
        '  keyring: [../../melange.rsa.pub]',
        '  packages: [greet]',
        'archs: [x86_64]',
        '',
      ].join('\n'),
    });
    commitAll(ws, 'an image of the library');
    rmSync(join(ws, 'packages/greet/dist'), { recursive: true, force: true });
    const build = await nxOk('run', `${LIB}:build`, '--skip-nx-cache');
    expect(nxTasks(build).get(`${LIB}:build`)).toBe('ran');
    expect(readdirSync(join(ws, 'packages/greet/dist'))).toContain('index.js');
    const image = await nxOk('run', `${LIB}:image`);
    expect([...nxTasks(image).keys()]).toEqual([`${LIB}:build`, `${LIB}:package`, `${LIB}:image`]);
    const index = JSON.parse(readFileSync(join(ws, 'dist/images/packages/greet/oci/index.json'), 'utf8'));
    expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('cachews/greet:latest');
  }, 240_000);
});
