/**
 * `parseArgs` for the repo's tools (tools/results, tools/probes, tools/pytorch-reference):
 * `--help` / `-h` prints the tool's header comment (its usage) and exits 0; an unknown or
 * malformed option prints the message and exits 2, as the seqrec command does for bad flags.
 *
 *   const { values, positionals } = parseToolArgs(__filename, { options: {...}, allowPositionals: true });
 */
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

/** The first block comment of `file`, without its comment markers. */
function usageOf(file) {
  const match = fs.readFileSync(file, 'utf8').match(/\/\*\*([\s\S]*?)\*\//);
  if (match === null) return `usage: node ${path.relative(process.cwd(), file)} [options]`;
  return match[1]
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

function parseToolArgs(file, config) {
  const argv = config.args ?? process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usageOf(file));
    process.exit(0);
  }
  try {
    return parseArgs({ ...config, args: argv });
  } catch (error) {
    console.error(`${path.basename(file)}: ${error.message.split('. To specify')[0]} (see --help)`);
    process.exit(2);
  }
}

module.exports = { parseToolArgs };
