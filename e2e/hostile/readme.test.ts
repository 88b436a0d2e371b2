import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaredCases, HOSTILE_DIR, renderReadme } from './support/readme';

describe('the hostile battery', () => {
  it('lists every case in its README, each id once', () => {
    const cases = declaredCases();
    const ids = cases.map((c) => c.id);
    expect(new Set(ids).size, 'case ids are unique').toBe(ids.length);
    expect(readFileSync(join(HOSTILE_DIR, 'README.md'), 'utf8'), 'run: npx vite-node e2e/hostile/support/write-readme.ts').toBe(renderReadme(cases));
  });

  it('has at least 150 cases, every id <class>/<name>', () => {
    const cases = declaredCases();
    expect(cases.length).toBeGreaterThanOrEqual(150);
    for (const c of cases) expect(c.id).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
  });
});
