#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled to dist/ by `npm run build`. Its modules
// load through a V8 code cache (dist/cli/code-cache.js says why).
require('../dist/cli/code-cache.js').installCodeCache();
require('../dist/cli/main.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
