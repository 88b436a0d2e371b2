import { validateDependency, type CreateDependenciesContext } from '@nx/devkit';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDependencies } from './dependencies';

let ws: string;

const FILES: Record<string, string> = {
  'images/api/apko.yaml': 'contents:\n  packages: [api-server, wolfi-baselayout]\ninclude: ../common.apko.yaml\n',
  'images/common.apko.yaml': 'contents:\n  packages: [tools]\n',
  'images/api/debug.apko.yaml': 'contents:\n  packages: [greet-doc]\n',
  'images/worker/apko.yaml': 'contents:\n  packages: [worker]\n',
  'images/worker/melange.yaml': 'package:\n  name: worker\n',
  'apps/api-server/melange.yaml': 'package:\n  name: api-server\n  dependencies:\n    runtime: [libgreet]\n',
  'libs/greet/melange.yaml': 'package:\n  name: greet\n  dependencies:\n    provides: [libgreet]\nsubpackages:\n  - name: ${{package.name}}-doc\n',
  'libs/tools/melange.yaml': 'package:\n  name: tools\n',
  'libs/tools/nested/melange.yaml': 'package:\n  name: not-a-root-file\n',
};

const PROJECTS: Record<string, string> = { api: 'images/api', worker: 'images/worker', 'api-server': 'apps/api-server', greet: 'libs/greet', tools: 'libs/tools', images: 'images' };

function context(): CreateDependenciesContext {
  const projectFileMap: Record<string, Array<{ file: string; hash: string }>> = {};
  for (const [name, root] of Object.entries(PROJECTS)) {
    projectFileMap[name] = Object.keys(FILES)
      .filter((f) => f.startsWith(`${root}/`) && Object.values(PROJECTS).every((r) => r === root || !f.startsWith(`${r}/`) || r.length < root.length))
      .map((file) => ({ file, hash: '0' }));
  }
  return {
    externalNodes: {},
    projects: Object.fromEntries(Object.entries(PROJECTS).map(([name, root]) => [name, { root }])),
    nxJsonConfiguration: {},
    fileMap: { projectFileMap, nonProjectFiles: [] },
    filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
    workspaceRoot: ws,
  } as unknown as CreateDependenciesContext;
}

beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), 'apko-nx-deps-'));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(ws, path)), { recursive: true });
    writeFileSync(join(ws, path), text);
  }
});

describe('createDependencies', () => {
  it('links each image to the projects building what it installs, through includes and runtime dependencies, once per pair, sorted, as implicit edges', async () => {
    expect(await createDependencies(undefined, context())).toEqual([
      { source: 'api', target: 'api-server', type: 'implicit' },
      // Both apko.yaml (through libgreet) and debug.apko.yaml (greet-doc) install from greet: one edge.
      { source: 'api', target: 'greet', type: 'implicit' },
      { source: 'api', target: 'tools', type: 'implicit' },
      // An included *.apko.yaml is an image config of its own project too (createNodes infers targets for it).
      { source: 'images', target: 'tools', type: 'implicit' },
    ]);
  });

  it('gives edges Nx\'s own validation accepts, with no source file that import-following builders would read', async () => {
    const ctx = context();
    const edges = await createDependencies(undefined, ctx);
    expect(edges.length).toBeGreaterThan(0);
    for (const e of edges) {
      expect(() => validateDependency(e, ctx)).not.toThrow();
      expect('sourceFile' in e).toBe(false);
    }
    // The check bites: a static edge without its source file is refused.
    expect(() => validateDependency({ ...edges[0]!, type: 'static' } as never, ctx)).toThrow('Source project file is required');
  });

  it('adds no edge from an image to its own project and ignores unreadable configs', async () => {
    const ctx = context();
    ctx.fileMap.projectFileMap.worker!.push({ file: 'images/worker/gone.apko.yaml', hash: '0' });
    const edges = await createDependencies(undefined, ctx);
    expect(edges.filter((e) => e.source === 'worker')).toEqual([]);
  });
});
