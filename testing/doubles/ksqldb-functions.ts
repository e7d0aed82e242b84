import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * Function resolution of the ksqlDB double (testing/doubles/ksqldb.ts), as ksqlDB 8.4 does it
 * (confluentinc/ksql, branch 8.4.x):
 *  - the UDFs of this project's jar are read from its Java sources (udf-java/src/main/java): each
 *    class annotated @UdfDescription is one function, each method annotated @Udf one overload, its
 *    parameters named and described by @UdfParameter, their types and the return type from the Java
 *    types — what UdfLoader.loadUdfFromClass (ksqldb-engine/.../function/UdfLoader.java) and
 *    FunctionLoaderUtils.createParameters / UdfUtil.getSchemaFromType read by reflection from the jar;
 *  - the built-in functions the project's statements (ksql/*.sql) call are written out below from
 *    their ksqlDB source files, each cited; any other built-in is known by name only (BUILT_IN_NAMES)
 *    and accepted without an argument check;
 *  - a call is resolved as UdfIndex.getFunction does (ksqldb-common/.../function/UdfIndex.java):
 *    the overloads whose parameters accept the arguments exactly, else (for scalar functions only:
 *    UdfFactory builds its UdfIndex with supportsImplicitCasts = true, UdafAggregateFunctionFactory
 *    with false) those that accept them with implicit casts, which SqlBaseType.canImplicitlyCast
 *    (ksqldb-udf/.../schema/ksql/types/SqlBaseType.java) allows only from a narrower number to a wider
 *    one in the order INTEGER → BIGINT → DECIMAL → DOUBLE (and from STRING to TIME, DATE, TIMESTAMP
 *    and BYTES); a NULL argument is accepted by any parameter (UdfIndex.Parameter.accepts), a generic
 *    parameter T by any type, the same for every T of one overload (GenericsUtil.reserveGenerics).
 *    The double models neither variadic parameters nor lambdas (no function it resolves has them).
 */

/** A parameter type as ksqlDB prints it (ParamType.toString: INT, BIGINT, DOUBLE, DECIMAL, VARCHAR, BOOLEAN...), or a generic name (T). */
type ParamType = string;

interface Param {
  name: string;
  type: ParamType;
  description: string;
}

interface Overload {
  params: Param[];
  returns: ParamType;
  description: string;
}

export interface FunctionFactory {
  /** As its annotation spells it ("anomoly_power"): UdfIndex's udfName, the name in "Function '…' does not accept…". */
  name: string;
  kind: 'SCALAR' | 'AGGREGATE';
  description: string;
  author: string;
  /** From the annotation when it is a literal; the double's `functions` option gives the loaded jar's. */
  version: string;
  path: string;
  /** In the order the Java source declares them (the order ksqlDB adds them: Class.getMethods). */
  overloads: Overload[];
}

/** The SQL type of an argument as ksqlDB prints it (SqlPrimitiveType.toString: INTEGER, STRING...); undefined: NULL, or a type the double cannot tell. */
export type ArgType = string | undefined;

// ---------------------------------------------------------------------------------------------
// Reading the UDFs from the Java sources.

/** Java string literal → its value (the escapes Java source uses here). */
function javaString(lit: string): string {
  return lit.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => (e.length > 1 ? String.fromCharCode(parseInt(e.slice(1), 16)) : ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[e] ?? e));
}

/** Tokens of a constant expression: string literals, (qualified) names, '+'. */
function tokens(expr: string): string[] {
  return expr.match(/"(?:\\.|[^"\\])*"|[A-Za-z_][\w.]*|\+/g) ?? [];
}

/** Java source without its comments; string and char literals kept as they are. */
function stripComments(text: string): string {
  return text.replace(/"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => (c.startsWith('/') ? ' ' : c));
}

interface JavaSources {
  /** "Class.NAME" → the constant's expression text. */
  constants: Map<string, string>;
  files: { cls: string; text: string }[];
}

function readJava(dir: string): JavaSources {
  const files: { cls: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.java')) files.push({ cls: basename(f, '.java'), text: stripComments(readFileSync(p, 'utf8')) });
    }
  };
  walk(dir);
  const constants = new Map<string, string>();
  for (const { cls, text } of files) {
    for (const m of text.matchAll(/\bstatic\s+final\s+String\s+(\w+)\s*=\s*((?:"(?:\\.|[^"\\])*"|[^;"])+);/g)) constants.set(`${cls}.${m[1]!}`, m[2]!);
  }
  return { constants, files };
}

/** Evaluates a compile-time String constant expression ("a" + Other.B + C); undefined when a name is not a String constant of these sources. */
function evaluate(expr: string, cls: string, src: JavaSources, depth = 0): string | undefined {
  if (depth > 20) return undefined;
  let out = '';
  for (const t of tokens(expr)) {
    if (t === '+') continue;
    if (t.startsWith('"')) {
      out += javaString(t);
      continue;
    }
    const key = t.includes('.') ? t.split('.').slice(-2).join('.') : `${cls}.${t}`;
    const def = src.constants.get(key);
    if (def === undefined) return undefined;
    const v = evaluate(def, key.split('.')[0]!, src, depth + 1);
    if (v === undefined) return undefined;
    out += v;
  }
  return out;
}

/** `key = expr, key = expr` of an annotation's body, split at commas outside string literals and parentheses. */
function annotationArgs(body: string): Map<string, string> {
  const args = new Map<string, string>();
  let depth = 0;
  let from = 0;
  const parts: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"') {
      i++;
      while (i < body.length && body[i] !== '"') i += body[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(body.slice(from));
  for (const p of parts) {
    const m = /^\s*(\w+)\s*=\s*([\s\S]*?)\s*$/.exec(p);
    if (m) args.set(m[1]!, m[2]!);
    else if (p.trim()) args.set('value', p.trim());
  }
  return args;
}

/** The text between the '(' at `open` and its matching ')', skipping string literals. */
function parenBody(text: string, open: number): { body: string; end: number } {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return { body: text.slice(open + 1, i), end: i };
  }
  throw new Error(`unbalanced parentheses at ${open}`);
}

/** Java type → ParamType, as UdfUtil.getSchemaFromType maps it (ksqldb-common/.../function/UdfUtil.java). */
const JAVA_TYPES: Record<string, ParamType> = {
  Integer: 'INT', int: 'INT', Long: 'BIGINT', long: 'BIGINT', Double: 'DOUBLE', double: 'DOUBLE',
  Boolean: 'BOOLEAN', boolean: 'BOOLEAN', String: 'VARCHAR', BigDecimal: 'DECIMAL',
};

function paramType(javaType: string, where: string): ParamType {
  const t = JAVA_TYPES[javaType];
  if (!t) throw new Error(`the ksqlDB double does not map the Java type ${javaType} (${where}): add it from UdfUtil.getSchemaFromType`);
  return t;
}

/**
 * The UDFs declared in a tree of Java sources (the project's: udf-java/src/main/java), as ksqlDB's
 * UdfLoader loads them from the built jar. `path` is what DESCRIBE FUNCTION reports (UdfMetadata.path:
 * the jar's path in the server's extension directory).
 */
export function udfsOfSources(dir: string, path: string): FunctionFactory[] {
  const src = readJava(dir);
  const out: FunctionFactory[] = [];
  for (const { cls, text } of src.files) {
    const at = /@UdfDescription\s*\(/.exec(text);
    if (!at) continue;
    const desc = parenBody(text, at.index + at[0].length - 1);
    const a = annotationArgs(desc.body);
    const value = (k: string) => (a.has(k) ? evaluate(a.get(k)!, cls, src) : undefined);
    const name = value('name');
    if (name === undefined) throw new Error(`${cls}.java: the ksqlDB double cannot evaluate @UdfDescription's name ${a.get('name')}`);
    const overloads: Overload[] = [];
    for (const m of text.matchAll(/@Udf\b(\s*\()?/g)) {
      let rest = m.index + m[0].length;
      let udf = new Map<string, string>();
      if (m[1]) {
        const b = parenBody(text, rest - 1);
        udf = annotationArgs(b.body);
        rest = b.end + 1;
      }
      const sig = /^\s*public\s+(?:static\s+)?(?:final\s+)?([\w.<>]+)\s+(\w+)\s*\(/.exec(text.slice(rest));
      if (!sig) throw new Error(`${cls}.java: the ksqlDB double cannot read the method after @Udf at ${m.index}`);
      const params = parenBody(text, rest + sig[0].length - 1).body;
      const ps: Param[] = [];
      for (const p of annotationArgsList(params)) {
        const ann = /@UdfParameter\s*\(/.exec(p);
        let pa = new Map<string, string>();
        let after = p;
        if (ann) {
          const b = parenBody(p, ann.index + ann[0].length - 1);
          pa = annotationArgs(b.body);
          after = p.slice(b.end + 1);
        }
        const decl = /(?:final\s+)?([\w.<>]+)(\.\.\.)?\s+(\w+)\s*$/.exec(after.trim());
        if (!decl) throw new Error(`${cls}.java: the ksqlDB double cannot read the parameter ${p.trim()}`);
        if (decl[2]) throw new Error(`${cls}.java: the ksqlDB double does not model variadic parameters (${p.trim()})`);
        const pname = pa.has('value') ? evaluate(pa.get('value')!, cls, src) : undefined;
        ps.push({ name: pname || decl[3]!, type: paramType(decl[1]!, `${cls}.${sig[2]!}`), description: (pa.has('description') && evaluate(pa.get('description')!, cls, src)) || '' });
      }
      overloads.push({ params: ps, returns: paramType(sig[1]!, `${cls}.${sig[2]!}`), description: (udf.has('description') && evaluate(udf.get('description')!, cls, src)) || '' });
    }
    out.push({ name, kind: 'SCALAR', description: value('description') ?? '', author: value('author') ?? '', version: value('version') ?? '', path, overloads });
  }
  return out;
}

/** A parameter list split at top-level commas (outside parentheses and string literals). */
function annotationArgsList(params: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < params.length; i++) {
    const c = params[i]!;
    if (c === '"') {
      i++;
      while (i < params.length && params[i] !== '"') i += params[i] === '\\' ? 2 : 1;
    } else if (c === '(' || c === '<') depth++;
    else if (c === ')' || c === '>') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(params.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(params.slice(from));
  return parts.filter((p) => p.trim().length > 0);
}

// ---------------------------------------------------------------------------------------------
// Built-in functions.

const CONFLUENT = 'Confluent'; // KsqlConstants.CONFLUENT_AUTHOR (ksqldb-common/.../util/KsqlConstants.java)
const BUILT_IN_PATH = 'internal'; // KsqlScalarFunction.INTERNAL_PATH / UdfLoader's path for built-ins

/** An aggregate's column parameters are named val1, val2... (UdafTypes.getInputSchema, ksqldb-engine/.../function/UdafTypes.java). */
const col = (type: ParamType): Param => ({ name: 'val1', type, description: '' });

/** MAX and MIN: one factory method per comparable type, each returning its input's type. */
const comparable = (what: 'maximum' | 'minimum'): Overload[] =>
  (
    [
      ['INT', 'an integer'], ['BIGINT', 'a long'], ['DOUBLE', 'a double'], ['DECIMAL', 'a decimal'], ['DATE', 'a date'],
      ['TIME', 'a time'], ['TIMESTAMP', 'a timestamp'], ['VARCHAR', 'a string'], ['BYTES', 'a bytes'],
    ] as const
  ).map(([t, d]) => ({ params: [col(t)], returns: t, description: `Computes the ${what} value for ${d} key.` }));

/**
 * The built-in functions ksql/*.sql calls, with their overloads from ksqlDB's source (8.4.x):
 *  - COUNT: ksqldb-engine/src/main/java/io/confluent/ksql/function/udaf/count/CountKudaf.java
 *    (createCount: TableUdaf<T, Long, Long>); COUNT(*) is COUNT of the default argument
 *    (AggregateAnalyzer.visitFunctionCall; ExpressionTypeManager.visitFunctionCall uses
 *    FunctionRegistry.DEFAULT_FUNCTION_ARG_SCHEMA, BIGINT);
 *  - MAX, MIN: .../udaf/max/MaxKudaf.java, .../udaf/min/MinKudaf.java (INT, BIGINT, DOUBLE, DECIMAL,
 *    DATE, TIME, TIMESTAMP, STRING, BYTES; each returns its input's type);
 *  - LATEST_BY_OFFSET: .../udaf/offset/LatestByOffset.java (latest(), latest(boolean ignoreNulls),
 *    latest(int latestN), latest(int latestN, boolean ignoreNulls); Udaf<T, Struct, T> or
 *    Udaf<T, List<Struct>, List<T>>): the column parameter first, then the literal ones.
 */
const BUILT_INS: FunctionFactory[] = [
  {
    name: 'COUNT', kind: 'AGGREGATE', description: 'Counts records by key.', author: CONFLUENT, version: '', path: BUILT_IN_PATH,
    overloads: [{ params: [col('T')], returns: 'BIGINT', description: 'Counts records by key.' }],
  },
  { name: 'MAX', kind: 'AGGREGATE', description: 'Computes the maximum value for a key.', author: CONFLUENT, version: '', path: BUILT_IN_PATH, overloads: comparable('maximum') },
  { name: 'MIN', kind: 'AGGREGATE', description: 'Computes the minimum value for a key.', author: CONFLUENT, version: '', path: BUILT_IN_PATH, overloads: comparable('minimum') },
  {
    name: 'LATEST_BY_OFFSET', kind: 'AGGREGATE', description: 'This function returns the oldest N values for the column, computed by offset.', author: CONFLUENT, version: '', path: BUILT_IN_PATH,
    overloads: [
      { params: [col('T')], returns: 'T', description: 'return the latest value of a column' },
      { params: [col('T'), { name: 'ignoreNulls', type: 'BOOLEAN', description: '' }], returns: 'T', description: 'return the latest value of a column' },
      { params: [col('T'), { name: 'latestN', type: 'INT', description: '' }], returns: 'ARRAY<T>', description: 'return the latest N values of a column' },
      { params: [col('T'), { name: 'latestN', type: 'INT', description: '' }, { name: 'ignoreNulls', type: 'BOOLEAN', description: '' }], returns: 'ARRAY<T>', description: 'return the latest N values of a column' },
    ],
  },
];

/**
 * Every function ksqlDB 8.4 has built in: the `name` of each @UdfDescription, @UdafDescription and
 * @UdtfDescription under ksqldb-engine/src/main/java/io/confluent/ksql/function (branch 8.4.x),
 * upper-cased. One not in BUILT_INS is accepted with any arguments and a type the double cannot tell.
 */
const BUILT_IN_NAMES = new Set(
  `ABS ACOS ARRAY_CONCAT ARRAY_CONTAINS ARRAY_DISTINCT ARRAY_EXCEPT ARRAY_INTERSECT ARRAY_JOIN ARRAY_LENGTH ARRAY_MAX
  ARRAY_MIN ARRAY_REMOVE ARRAY_SORT ARRAY_UNION ASIN AS_MAP AS_VALUE ATAN ATAN2 ATTR AVG BIGINT_FROM_BYTES CBRT CEIL CHR
  COALESCE COLLECT_LIST COLLECT_SET CONCAT CONCAT_WS CONVERT_TZ CORRELATION COS COSH COT COUNT COUNT_DISTINCT CUBE_EXPLODE
  DATEADD DATESUB DATETOSTRING DEGREES DOUBLE_FROM_BYTES EARLIEST_BY_OFFSET ELT ENCODE ENTRIES EXP EXPLODE EXTRACTJSONFIELD
  FIELD FILTER FLOOR FORMAT_DATE FORMAT_TIME FORMAT_TIMESTAMP FROM_BYTES FROM_DAYS FROM_UNIXTIME GENERATE_SERIES
  GEO_DISTANCE GREATEST HISTOGRAM IFNULL INITCAP INSTR INT_FROM_BYTES IS_JSON_STRING JSON_ARRAY_CONTAINS JSON_ARRAY_LENGTH
  JSON_CONCAT JSON_ITEMS JSON_KEYS JSON_RECORDS LATEST_BY_OFFSET LCASE LEAST LEN LN LOG LPAD MAP_KEYS MAP_UNION MAP_VALUES
  MASK MASK_KEEP_LEFT MASK_KEEP_RIGHT MASK_LEFT MASK_RIGHT MAX MD5 MIN NULLIF PARSE_DATE PARSE_TIME PARSE_TIMESTAMP PI
  POWER RADIANS RANDOM REDUCE REGEXP_EXTRACT REGEXP_EXTRACT_ALL REGEXP_REPLACE REGEXP_SPLIT_TO_ARRAY REPLACE ROUND RPAD
  SIGN SIN SINH SLICE SPLIT SPLIT_TO_MAP SQRT STDDEV_SAMP STDDEV_SAMPLE STRINGTODATE STRINGTOTIMESTAMP SUBSTRING SUM
  SUM_LIST TAN TANH TIMEADD TIMESTAMPADD TIMESTAMPSUB TIMESTAMPTOSTRING TIMESUB TOPK TOPKDISTINCT TO_BYTES TO_JSON_STRING
  TRANSFORM TRIM TRUNC UCASE UNIX_DATE UNIX_TIMESTAMP URL_DECODE_PARAM URL_ENCODE_PARAM URL_EXTRACT_FRAGMENT
  URL_EXTRACT_HOST URL_EXTRACT_PARAMETER URL_EXTRACT_PATH URL_EXTRACT_PORT URL_EXTRACT_PROTOCOL URL_EXTRACT_QUERY UUID`.split(/\s+/),
);

// ---------------------------------------------------------------------------------------------
// Resolution.

/**
 * SqlBaseType's order (ksqldb-udf/.../schema/ksql/types/SqlBaseType.java): BOOLEAN, INTEGER,
 * BIGINT, DECIMAL, DOUBLE, STRING, ARRAY, MAP, STRUCT, TIME, DATE, TIMESTAMP, BYTES.
 */
const NUMBERS = ['INTEGER', 'BIGINT', 'DECIMAL', 'DOUBLE'];

/** SqlBaseType.canImplicitlyCast. */
function canImplicitlyCast(from: string, to: string): boolean {
  if (from === to) return true;
  if (NUMBERS.includes(from) && NUMBERS.includes(to)) return NUMBERS.indexOf(from) <= NUMBERS.indexOf(to);
  return from === 'STRING' && ['TIME', 'DATE', 'TIMESTAMP', 'BYTES'].includes(to);
}

/** ParamType → the SqlBaseType it stands for (SchemaConverters.functionToSqlBaseConverter). */
const BASE_OF: Record<string, string> = { INT: 'INTEGER', VARCHAR: 'STRING' };
const baseOf = (p: ParamType) => BASE_OF[p] ?? p;
/** An argument's base type: DECIMAL(4, 1) → DECIMAL. */
const argBase = (a: string) => a.replace(/\(.*$/, '');
const isGeneric = (p: ParamType) => /^[A-Z]$/.test(p);

/** UdfIndex.Parameter.accepts, without variadics and lambdas. */
function accepts(p: ParamType, arg: ArgType, generics: Map<string, string>, allowCasts: boolean): boolean {
  if (arg === undefined) return true;
  if (isGeneric(p)) {
    const bound = generics.get(p);
    if (bound === undefined) {
      generics.set(p, arg);
      return true;
    }
    return bound === arg;
  }
  // ParamTypes.isPrimitiveMatch: the exact base type, or (allowCasts) an implicit cast.
  return argBase(arg) === baseOf(p) || (allowCasts && canImplicitlyCast(argBase(arg), baseOf(p)));
}

/** java.lang.String.hashCode. */
function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The hashCode of each ParamType (ksqldb-common/.../function/types/*Type.java); a GenericType is Objects.hash(name). */
const TYPE_HASH: Record<string, number> = { BOOLEAN: 1, DECIMAL: 2, DOUBLE: 3, INT: 4, BIGINT: 5, VARCHAR: 6, TIMESTAMP: 7, TIME: 8, DATE: 9, BYTES: 10 };
const typeHash = (p: ParamType) => TYPE_HASH[p] ?? (Math.imul(31, 1) + stringHash(p)) | 0;

/**
 * The overloads in the order ksqlDB lists them — UdfIndex.values(), the values of a
 * java.util.HashMap keyed by the List<ParamType> of parameters: by bucket ((h ^ h >>> 16) & (capacity
 * - 1), capacity 16 doubled while more than 3/4 full), then in the order they were added.
 */
function ksqlOrder(overloads: Overload[]): Overload[] {
  let capacity = 16;
  while (overloads.length > capacity * 0.75) capacity *= 2;
  const bucket = (o: Overload) => {
    let h = 1;
    for (const p of o.params) h = (Math.imul(31, h) + typeHash(p.type)) | 0;
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return overloads.map((o, i) => ({ o, i, b: bucket(o) })).sort((x, y) => x.b - y.b || x.i - y.i).map((x) => x.o);
}

/** UdfIndex.formatAvailableSignatures: NAME(TYPE name, ...) with the function's upper-cased name (UdfLoader: FunctionName.of(name.toUpperCase())). */
function signature(f: FunctionFactory, o: Overload): string {
  return `${f.name.toUpperCase()}(${o.params.map((p) => (p.name ? `${p.type} ${p.name}` : p.type)).join(', ')})`;
}

/** The functions a server knows: the loaded UDFs, then the built-ins. */
export class FunctionRegistry {
  constructor(private readonly udfs: FunctionFactory[]) {}

  /** InternalFunctionRegistry.getUdfFactory / AggregateAnalyzer.visitFunctionCall: "Can't find any functions with the name 'X'". */
  factory(name: string): FunctionFactory | 'unmodelled' {
    const n = name.toUpperCase();
    const f = this.udfs.find((u) => u.name.toUpperCase() === n) ?? BUILT_INS.find((b) => b.name === n);
    if (f) return f;
    if (BUILT_IN_NAMES.has(n)) return 'unmodelled';
    throw new Error(`Can't find any functions with the name '${n}'`);
  }

  isAggregate(name: string): boolean {
    const f = this.factory(name);
    return f !== 'unmodelled' && f.kind === 'AGGREGATE';
  }

  /**
   * The SQL type a call returns, or throws ksqlDB's refusal. UdfIndex.getFunction: the candidates
   * without casts, then (scalar functions) with; more than one left, the one the Node comparator
   * prefers (fewer generic parameters), else "cannot be resolved due to ambiguous method parameters";
   * none: createNoMatchingFunctionException.
   */
  resolve(name: string, args: ArgType[]): string {
    const f = this.factory(name);
    if (f === 'unmodelled') return '?';
    const pick = (allowCasts: boolean) => {
      const found: { o: Overload; generics: Map<string, string> }[] = [];
      for (const o of f.overloads) {
        if (o.params.length !== args.length) continue;
        const generics = new Map<string, string>();
        if (o.params.every((p, i) => accepts(p.type, args[i], generics, allowCasts))) found.push({ o, generics });
      }
      if (found.length <= 1) return found[0];
      const generic = (o: Overload) => o.params.filter((p) => isGeneric(p.type)).length;
      found.sort((a, b) => generic(a.o) - generic(b.o));
      if (generic(found[0]!.o) < generic(found[1]!.o)) return found[0];
      throw new Error(
        `Function '${f.name}' cannot be resolved due to ambiguous method parameters ${this.args(args)}.\nUse CAST() to explicitly cast your parameters to one of the supported function calls.\nValid function calls are:\n${this.alternatives(f)}\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;`,
      );
    };
    const hit = pick(false) ?? (f.kind === 'SCALAR' ? pick(true) : undefined);
    if (!hit) {
      throw new Error(
        `Function '${f.name}' does not accept parameters ${this.args(args)}.\nValid alternatives are:\n${this.alternatives(f)}\nFor detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;`,
      );
    }
    const ret = hit.o.returns.replace(/\b[A-Z]\b/g, (g) => hit.generics.get(g) ?? '?');
    return ret.includes('?') ? '?' : (BASE_OF[ret] ?? ret);
  }

  /** DESCRIBE FUNCTION (DescribeFunctionExecutor): a FunctionDescriptionList with every overload, in ksqlDB's order. */
  describe(name: string, statementText: string, version?: string): unknown {
    const f = this.factory(name);
    if (f === 'unmodelled') throw new Error(`the ksqlDB double does not model the built-in function ${name.toUpperCase()}: add its overloads from confluentinc/ksql to testing/doubles/ksqldb-functions.ts`);
    return {
      '@type': 'describe_function',
      statementText,
      name: f.name.toUpperCase(),
      description: f.description,
      author: f.author,
      version: version ?? f.version,
      path: f.path,
      functions: ksqlOrder(f.overloads).map((o) => ({
        arguments: o.params.map((p) => ({ name: p.name, type: p.type, description: p.description, isVariadic: false })),
        returnType: o.returns,
        description: o.description,
      })),
      type: f.kind,
      warnings: [],
    };
  }

  /** UdfIndex.getParamsAsString: "(INTEGER, STRING)", a NULL as "null". */
  private args(args: ArgType[]): string {
    return `(${args.map((a) => a ?? 'null').join(', ')})`;
  }

  private alternatives(f: FunctionFactory): string {
    return ksqlOrder(f.overloads).map((o) => signature(f, o)).join('\n');
  }
}
