/**
 * Graphviz view of a resolution (`apk dot`-like): one box per package in
 * install order, an ellipse for the world, an edge per requirement labelled
 * with its atom; install_if edges are dashed. Same resolution, same bytes.
 */
import type { Resolution } from './types';

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The resolution as a Graphviz `digraph`. With `spanningTree`, only the first
 * edge into each node is kept, as apko's `dot -S` keeps the first edge to each
 * dependency (`internal/cli/dot.go`), so large graphs stay readable.
 */
export function toDot(resolution: Resolution, opts: { spanningTree?: boolean } = {}): string {
  const lines = [
    `digraph ${quote(`apko-${resolution.arch}`)} {`,
    '  rankdir=LR;',
    '  node [shape=box];',
    `  ${quote('world')} [shape=ellipse];`,
  ];
  for (const p of resolution.packages) lines.push(`  ${quote(`${p.name}-${p.version}`)};`);
  const reached = new Set<string>();
  for (const e of resolution.edges) {
    if (opts.spanningTree && reached.has(e.to)) continue;
    reached.add(e.to);
    const style = e.kind === 'install_if' ? ', style=dashed' : '';
    lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(e.atom)}${style}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
