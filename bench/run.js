#!/usr/bin/env node
/** Runs every benchmark in bench/ (`npm run bench`, after `npm run build`). Results are ratios against a baseline measured in the same run. */
'use strict';
const { readdirSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

/** The arguments that are not `--flag value` or `--flag=value` pairs. */
function positional(args) {
  const out = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('--')) {
      if (!args[i].includes('=')) i++;
      continue;
    }
    out.push(args[i]);
  }
  return out;
}

let failed = 0;
for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')).sort()) {
  console.log(`\n== ${file}`);
    // `--name value` flags are build.bench.js's; the others take positional counts only.
  const args = file === 'build.bench.js' ? process.argv.slice(2) : positional(process.argv.slice(2));
  const r = spawnSync(process.execPath, [join(__dirname, file), ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
