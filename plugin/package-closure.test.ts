import { describe, expect, it } from 'vitest';
import { indexWorkspacePackages, projectsProviding } from './package-closure';

const index = indexWorkspacePackages([
  { project: 'api-server', facts: { packages: [{ name: 'api-server', provides: [], runtime: ['libgreet', 'ca-certificates'] }] } },
  { project: 'greet', facts: { packages: [{ name: 'greet', provides: ['libgreet'], runtime: [] }, { name: 'greet-doc', provides: [], runtime: ['greet'] }] } },
  { project: 'tools', facts: { packages: [{ name: 'tools', provides: ['cmd:tool'], runtime: [] }] } },
  { project: 'loop-a', facts: { packages: [{ name: 'a', provides: [], runtime: ['b'] }] } },
  { project: 'loop-b', facts: { packages: [{ name: 'b', provides: [], runtime: ['a'] }] } },
]);

describe('projectsProviding', () => {
  it('follows runtime dependencies through provided names to other workspace projects', () => {
    expect(projectsProviding(['api-server'], index)).toEqual(['api-server', 'greet']);
  });

  it('finds the project of a subpackage', () => {
    expect(projectsProviding(['greet-doc'], index)).toEqual(['greet']);
  });

  it('ignores names no workspace package answers to (distro packages)', () => {
    expect(projectsProviding(['wolfi-baselayout', 'busybox'], index)).toEqual([]);
  });

  it('terminates on dependency cycles and returns the projects sorted', () => {
    expect(projectsProviding(['b', 'cmd:tool'], index)).toEqual(['loop-a', 'loop-b', 'tools']);
  });
});
