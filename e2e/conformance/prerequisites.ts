/**
 * What the conformance suites need before they can compare: the pinned
 * reference tool (installed on first use) and the built apko-nx CLI. A missing
 * prerequisite skips the tests with a printed notice, except under CI=true,
 * where every test fails with the reason: CI must never pass by skipping.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'vitest';
import { ROOT } from '../support/env';
import { installReferenceTool, toolPins, type ReferenceTool, type ToolName } from './reference-tools';

/** The tool, or why it cannot be had. */
export type Prerequisite = { readonly tool: ReferenceTool } | { readonly missing: string };

/** Installs (or finds) `name` and checks dist/ is built. */
export async function referenceToolFor(name: ToolName): Promise<Prerequisite> {
  let tool: ReferenceTool;
  try {
    tool = await installReferenceTool(name);
  } catch (err) {
    const e = err as Error & { hint?: string };
    return { missing: `${name} ${toolPins()[name].version} is not available: ${e.message}${e.hint ? ` (${e.hint})` : ''}` };
  }
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) return { missing: 'dist/ is not built (run npm run build); the suite runs the apko-nx CLI' };
  return { tool };
}

/** Prints the notice once (outside CI), so a skipped suite says why. */
export function noticeIfMissing(p: Prerequisite | undefined, suite: string): void {
  if (p && 'missing' in p && process.env.CI !== 'true') console.warn(`[skip] ${p.missing}; skipping the ${suite} conformance suite`);
}

/** The tool for a test; skips it when missing, or fails it under CI=true. */
export function needTool(p: Prerequisite | undefined, ctx: TestContext): ReferenceTool {
  if (p && 'tool' in p) return p.tool;
  const why = p && 'missing' in p ? p.missing : 'the suite did not get to install its reference tool';
  if (process.env.CI === 'true') throw new Error(`CI=true but ${why}; .ci/run must install it (npx vite-node e2e/conformance/install.ts)`);
  ctx.skip();
  throw new Error('unreachable: ctx.skip() ends the test');
}
