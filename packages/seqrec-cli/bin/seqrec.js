#!/usr/bin/env node
// The `seqrec` executable. This file is committed (dist/ is built) so that npm links the bin
// when it installs the workspace, before anything is built: `npm ci && npm run build && npx seqrec`
// then runs this checkout's CLI instead of looking `seqrec` up on the registry.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const main = path.join(__dirname, '..', 'dist', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write(
    `seqrec: error: @seqrec/cli is not built (${main} is missing); run \`npm run build\` in the seqrec checkout\n`,
  );
  process.exit(2);
}
require(main);
