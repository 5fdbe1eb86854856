/**
 * excerpt: what a message may quote of user input: at most `max` characters, control
 * characters escaped (`\x1b`), so a bad file or flag never floods or drives the terminal.
 */
export function excerpt(text: string, max = 40): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  let safe = '';
  for (const c of cut) {
    const code = c.charCodeAt(0);
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0xfffd;
    safe += control ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return text.length > max ? `${safe}…` : safe;
}
