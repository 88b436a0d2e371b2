/**
 * A Node.js runtime for images, made offline the way a team with a private
 * mirror would provide one: a signed local repository holding a `nodejs`
 * package built from this machine's `node` and the shared libraries it loads
 * (as `ldd` lists them, at the paths the dynamic loader looks in). Images that
 * install it run the same node as the tests, under runc, with no internet.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { writeLocalRepository } from '../../engine/format';
import type { KeyPair } from '../../engine/workspace';

/** What the repository holds. */
export interface NodeRuntime {
  /** The package name (`nodejs`), which also provides `nodejs-<major>` and `cmd:node`. */
  readonly packageName: string;
  /** `<node version>-r0`, e.g. `20.20.2-r0`. */
  readonly version: string;
  /** Where node is in the image. */
  readonly node: string;
}

/** The host's node and its libraries as package files: `usr/bin/node`, then each library by the path the loader asks for. */
function runtimeFiles(): Array<{ path: string; type: 'file'; mode: number; data: Buffer }> {
  const node = realpathSync(process.execPath);
  const ldd = spawnSync('ldd', [node], { encoding: 'utf8' });
  if (ldd.status !== 0) throw new Error(`ldd ${node} failed: ${ldd.stderr}`);
  const libs = new Set<string>();
  for (const line of ldd.stdout.split('\n')) {
    // `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` or `/lib64/ld-linux-x86-64.so.2 (0x…)`; vdso has no file.
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.add(m[1]!);
  }
  if (libs.size === 0) throw new Error(`ldd listed no libraries for ${node}:\n${ldd.stdout}`);
  return [
    { path: 'usr/bin/node', type: 'file', mode: 0o755, data: readFileSync(node) },
    ...[...libs].sort().map((lib) => ({ path: lib.slice(1), type: 'file' as const, mode: 0o755, data: readFileSync(realpathSync(lib)) })),
  ];
}

/** Writes the repository (`<dir>/x86_64/…`) signed with `key`. */
export async function writeNodeRuntimeRepository(dir: string, key: KeyPair): Promise<NodeRuntime> {
  const version = `${process.versions.node}-r0`;
  const major = process.versions.node.split('.')[0];
  await writeLocalRepository(dir, {
    key,
    archs: ['x86_64'],
    packages: [
      {
        name: 'nodejs',
        version,
        description: 'Node.js from the machine running the tests, with the libraries it loads',
        license: 'MIT',
        provides: [`nodejs-${major}=${version}`, `cmd:node=${version}`],
        builddate: 1700000000,
        files: runtimeFiles(),
      },
    ],
  });
  return { packageName: 'nodejs', version, node: '/usr/bin/node' };
}
