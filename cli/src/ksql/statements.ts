/**
 * Splits KSQL text into statements the way ksqlDB's CLI does for a script: on `;` outside
 * single-quoted strings ('' escapes a quote), back-quoted and double-quoted identifiers, `--` line
 * comments and block comments. Comments are dropped; line numbers point at the source.
 */
export interface Statement {
  /** The statement without comments, whitespace collapsed at the ends, ending in `;`. */
  text: string;
  /** 1-based line where the statement starts in the source. */
  line: number;
}

class KsqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'KsqlSyntaxError';
  }
}

export function splitStatements(source: string): Statement[] {
  const out: Statement[] = [];
  let buf = '';
  let line = 1;
  let startLine = 0;
  let i = 0;
  const n = source.length;
  const push = () => {
    const text = buf.trim();
    if (text.length > 0) out.push({ text: `${text};`, line: startLine });
    buf = '';
    startLine = 0;
  };
  const mark = () => {
    if (startLine === 0) startLine = line;
  };
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '\n') {
      line++;
      buf += c;
      i++;
    } else if (c === '-' && next === '-') {
      while (i < n && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const open = line;
      i += 2;
      while (i < n && !(source[i] === '*' && source[i + 1] === '/')) {
        if (source[i] === '\n') line++;
        i++;
      }
      if (i >= n) throw new KsqlSyntaxError('unterminated /* comment', open);
      i += 2;
      buf += ' ';
    } else if (c === "'" || c === '`' || c === '"') {
      mark();
      const open = line;
      let j = i + 1;
      for (;;) {
        if (j >= n) throw new KsqlSyntaxError(`unterminated ${c === "'" ? 'string' : 'quoted identifier'} starting here`, open);
        if (source[j] === c) {
          if (source[j + 1] === c) {
            j += 2;
            continue;
          }
          break;
        }
        if (source[j] === '\n') line++;
        j++;
      }
      buf += source.slice(i, j + 1);
      i = j + 1;
    } else if (c === ';') {
      push();
      i++;
    } else {
      if (!/\s/.test(c)) mark();
      buf += c;
      i++;
    }
  }
  if (buf.trim().length > 0) throw new KsqlSyntaxError('statement does not end with ;', startLine);
  return out;
}

/** What a CREATE statement makes, for skipping what is already in place. */
export interface CreatedObject {
  kind: 'STREAM' | 'TABLE';
  /** Upper-cased unless back-quoted, as ksqlDB stores it. */
  name: string;
  ifNotExists: boolean;
  orReplace: boolean;
}

export function createdObject(statement: string): CreatedObject | undefined {
  const m = /^\s*CREATE\s+(OR\s+REPLACE\s+)?(?:SOURCE\s+)?(STREAM|TABLE)\s+(IF\s+NOT\s+EXISTS\s+)?(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)/i.exec(statement);
  if (!m) return undefined;
  const raw = m[4]!;
  return {
    kind: m[2]!.toUpperCase() as 'STREAM' | 'TABLE',
    name: raw.startsWith('`') ? raw.slice(1, -1) : raw.toUpperCase(),
    ifNotExists: Boolean(m[3]),
    orReplace: Boolean(m[1]),
  };
}
