/**
 * Errors name flags as the user typed them. The parser and the checks use one canonical name
 * per flag (`--batch_size`, `--k`); a user who typed the kebab-case alias (`--batch-size`) or
 * the short option (`-k`) reads that spelling back in the error, and a suggestion for a mistyped
 * kebab-case flag is given in kebab case too.
 */

/** A flag written `--a-b`, and its canonical snake_case name `--a_b`. */
const KEBAB_FLAG = /^--([a-z0-9]+(?:-[a-z0-9]+)+)(?:=.*)?$/;

const kebab = (flag: string) => '--' + flag.slice(2).replace(/_/g, '-');
/** `flag` where it stands as a whole flag name (not the start of a longer one). */
const whole = (flag: string) => new RegExp(`${flag.replace(/[-]/g, '\\-')}(?![a-z0-9_-])`, 'g');

/** Rewrites `--some-flag[=v]` to `--some_flag[=v]` (every seqrec flag is snake_case). */
export function normalizeFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const [i, arg] of argv.entries()) {
    if (arg === '--') return [...out, ...argv.slice(i)];
    const m = KEBAB_FLAG.exec(arg);
    out.push(m === null ? arg : '--' + arg.slice(2).replace(/^[^=]*/, (name) => name.replace(/-/g, '_')));
  }
  return out;
}

/**
 * `message` with canonical flag names replaced by the spelling in `argv`. `shortOptions` pairs
 * each short option with its long name (e.g. `['-k', '--k']`).
 */
export function spellFlagsAsTyped(
  message: string,
  argv: readonly string[],
  shortOptions: readonly (readonly [string, string])[],
): string {
  const typed = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
  let result = message;
  const typedKebab = typed.some((arg) => KEBAB_FLAG.test(arg));
  if (typedKebab) {
    // Suggestions in the style the user writes flags in.
    result = result.replace(/\(Did you mean [^)]*\)/, (hint) => hint.replace(/--[a-z0-9_]+/g, kebab));
  }
  for (const arg of typed) {
    const m = KEBAB_FLAG.exec(arg);
    if (m !== null) result = result.replace(whole('--' + (m[1] as string).replace(/-/g, '_')), '--' + m[1]);
  }
  for (const [short, long] of shortOptions) {
    const usedShort = typed.some((arg) => arg === short || (arg.startsWith(short) && !arg.startsWith('--')));
    const usedLong = typed.some((arg) => arg === long || arg.startsWith(`${long}=`));
    if (usedShort && !usedLong) result = result.replace(whole(long), short);
  }
  return result;
}
