#!/usr/bin/env node
'use strict';
// The `heirloom` command. Built from src-main/cli.ts by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'src-main', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('heirloom: not built yet. Run `npm run build` in ' + path.join(__dirname, '..'));
  process.exit(2);
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
