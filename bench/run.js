#!/usr/bin/env node
/** Runs every benchmark in bench/ (`npm run bench`, after `npm run build`). Results are ratios against a baseline measured in the same run. */
'use strict';
const { readdirSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

let failed = 0;
for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')).sort()) {
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, [join(__dirname, file), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
