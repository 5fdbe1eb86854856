#!/usr/bin/env node
/** The `seqrec` executable: runs the CLI on the process's arguments and streams. */
import { exitQuietlyWhenOutputCloses } from './closedOutput';
import { processIo } from './io';
import { run } from './run';

exitQuietlyWhenOutputCloses(process.stdout);
exitQuietlyWhenOutputCloses(process.stderr);

run(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`seqrec: error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
