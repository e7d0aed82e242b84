/**
 * Lines of a `.env` file that dotenv would skip without a word: neither `NAME=value` (optionally
 * `export NAME=value` or `NAME: value`), nor a comment, nor blank, nor inside a quoted multi-line
 * value. The grammar is dotenv's LINE expression (motdotla/dotenv, lib/main.js): keys are
 * [\w.-]+, followed by `=` or `:`; values may be '…', "…" or `…` and span lines.
 */
const KEY = /^\s*(?:export\s+)?[\w.-]+(?:\s*=|:\s)/;
const KEY_ONLY_COLON = /^\s*(?:export\s+)?[\w.-]+:$/;

export function garbageLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let open: string | undefined;
  lines.forEach((raw, i) => {
    if (open !== undefined) {
      if (raw.includes(open)) open = undefined;
      return;
    }
    const l = raw.trim();
    if (l === '' || l.startsWith('#')) return;
    if (!KEY.test(raw) && !KEY_ONLY_COLON.test(raw)) {
      out.push({ line: i + 1, text: l });
      return;
    }
    // A value opening a quote it does not close continues on the next lines.
    const value = raw.replace(/^\s*(?:export\s+)?[\w.-]+\s*[=:]\s*/, '');
    const q = value[0];
    if ((q === '"' || q === "'" || q === '`') && value.indexOf(q, 1) < 0) open = q;
  });
  return out;
}
