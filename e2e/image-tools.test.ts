import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateLayout } from '../engine/oci';
import { runCli, sh } from './support/cli';
import { hasTool, isRoot } from './support/env';
import { apkoYaml, BASELAYOUT, busyboxPackage, makeWorkspace, type TestWorkspace } from './support/workspace';

/**
 * The image as other tools see it: a multi-arch build from packages the test
 * makes itself, read by skopeo, unpacked by umoci, validated by
 * oci-image-tool, and run with runc as the configured user.
 */
const tools = ['skopeo', 'umoci', 'oci-image-tool', 'runc', 'busybox'].every((t) => hasTool(t)) && isRoot();

const ENTRY = `
accounts:
  groups:
    - groupname: app
      gid: 10000
  users:
    - username: app
      uid: 10000
      gid: 10000
  run-as: app
work-dir: /home/app
entrypoint:
  command: /bin/sh -c "echo hello from the image; id -u; id -g; pwd"
environment:
  GREETING: hi
`;

describe.skipIf(!tools)('an image built by apko-nx, read by OCI tools', () => {
  let ws: TestWorkspace;
  let out: string;
  let tag: string;

  beforeAll(async () => {
    ws = await makeWorkspace([BASELAYOUT, busyboxPackage()!]);
    ws.write('apko.yaml', apkoYaml(ws, { packages: ['test-baselayout', 'busybox'], extra: ENTRY }));
    out = join(ws.dir, 'out');
    mkdirSync(out);
    tag = 'e2e/busybox:1.0';
    const r = runCli(['build', 'apko.yaml', tag, out, '--cache-dir', join(ws.dir, 'cache')], { cwd: ws.dir });
    expect(r.stderr).toContain('building');
    expect(r.code).toBe(0);
  });

  it('passes our own layout validator', async () => {
    const s = await validateLayout(out);
    expect(s.manifests).toBe(2);
  });

  it('is inspected by skopeo through the ref.name tag', () => {
    const raw = JSON.parse(sh('skopeo', ['inspect', '--raw', `oci:${out}:${tag}`]));
    expect(raw.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(raw.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture).sort()).toEqual(['amd64', 'arm64']);
    const amd = JSON.parse(sh('skopeo', ['inspect', '--override-arch', 'amd64', `oci:${out}:${tag}`]));
    expect(amd.Architecture).toBe('amd64');
    expect(amd.Env).toContain('GREETING=hi');
  });

  it('is copied by skopeo --all to a directory and to a docker archive', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skopeo-dir-'));
    sh('skopeo', ['copy', '--all', `oci:${out}:${tag}`, `dir:${dir}`]);
    expect(readdirSync(dir)).toContain('manifest.json');
    const archive = join(mkdtempSync(join(tmpdir(), 'skopeo-tar-')), 'image.tar');
    sh('skopeo', ['copy', '--override-arch', 'arm64', `oci:${out}:${tag}`, `docker-archive:${archive}:${tag}`]);
    expect(statSync(archive).size).toBeGreaterThan(1000);
    const back = JSON.parse(sh('skopeo', ['inspect', `docker-archive:${archive}`]));
    expect(back.Architecture).toBe('arm64');
  });

  it('writes a docker-loadable tarball that skopeo reads per arch', () => {
    const tarball = join(ws.dir, 'image.tar');
    const r = runCli(['build', 'apko.yaml', tag, tarball, '--cache-dir', join(ws.dir, 'cache')], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    const amd = JSON.parse(sh('skopeo', ['inspect', `docker-archive:${tarball}:${tag}-amd64`]));
    expect(amd.Architecture).toBe('amd64');
    const arm = JSON.parse(sh('skopeo', ['inspect', `docker-archive:${tarball}:${tag}-arm64`]));
    expect(arm.Architecture).toBe('arm64');
    expect(arm.Layers).not.toEqual(amd.Layers);
  });

  it.each(['amd64', 'arm64'])('unpacks with umoci (%s), which checks every diff_id, and validates with oci-image-tool', (arch) => {
    const work = mkdtempSync(join(tmpdir(), `umoci-${arch}-`));
    sh('skopeo', ['copy', '--override-arch', arch, `oci:${out}:${tag}`, `oci:${join(work, 'single')}:img`]);
    expect(sh('oci-image-tool', ['validate', '--type', 'image', '--ref', 'name=img', join(work, 'single')])).toContain('Validation succeeded');
    sh('umoci', ['unpack', '--image', `${join(work, 'single')}:img`, join(work, 'bundle')]);
    const rootfs = join(work, 'bundle', 'rootfs');
    expect(readFileSync(join(rootfs, 'etc', 'os-release'), 'utf8')).toContain('ID=testos');
    // Package ownership is kept in the layer.
    expect(statSync(join(rootfs, 'etc', 'motd')).gid).toBe(4);
    expect(readFileSync(join(rootfs, 'etc', 'apk', 'arch'), 'utf8')).toBe(arch === 'amd64' ? 'x86_64\n' : 'aarch64\n');
  });

  it('runs the entrypoint as the configured user in the configured working directory', () => {
    const work = mkdtempSync(join(tmpdir(), 'runc-'));
    sh('skopeo', ['copy', '--override-arch', 'amd64', `oci:${out}:${tag}`, `oci:${join(work, 'single')}:img`]);
    sh('umoci', ['unpack', '--image', `${join(work, 'single')}:img`, join(work, 'bundle')]);
    const configPath = join(work, 'bundle', 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    expect(config.process.user).toMatchObject({ uid: 10000, gid: 10000 });
    config.process.terminal = false;
    writeFileSync(configPath, JSON.stringify(config));
    const output = sh('runc', ['run', '--bundle', join(work, 'bundle'), `apko-e2e-${process.pid}`]);
    expect(output.trim().split('\n')).toEqual(['hello from the image', '10000', '10000', '/home/app']);
  });
});
