/**
 * Where the CLI writes. `run(argv, io)` takes one of these so tests capture the output in-process;
 * `main.ts` passes the real process streams.
 */
export interface CliIo {
  /** Writes to standard output (no newline added). */
  stdout: (text: string) => void;
  /** Writes to standard error (no newline added). */
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress bars redraw in place). */
  isTTY: boolean;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
  };
}

/** Output channels of one command: human lines and (with --json) machine records. */
export interface Output {
  /** One human-readable line (stdout, or stderr when --json is on). */
  human: (line: string) => void;
  /** One JSON record on stdout (only with --json). */
  json: (record: Record<string, unknown>) => void;
  jsonMode: boolean;
  io: CliIo;
}

export function makeOutput(io: CliIo, jsonMode: boolean): Output {
  return {
    human: (line) => (jsonMode ? io.stderr : io.stdout)(line + '\n'),
    json: (record) => {
      if (jsonMode) io.stdout(JSON.stringify(record) + '\n');
    },
    jsonMode,
    io,
  };
}
