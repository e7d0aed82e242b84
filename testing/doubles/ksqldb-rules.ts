/**
 * The statement rules of the ksqlDB double (testing/doubles/ksqldb.ts): a small parser for the
 * statements stream-smarts sends, and the checks ksqlDB 8.4 makes on them, each answering with
 * ksqlDB's own text. Every rule names the file of confluentinc/ksql (branch 8.4.x) it copies.
 * It is a model of the rules, not of the language: statements outside what stream-smarts writes
 * (joins, INSERT INTO, structs...) are accepted without these checks.
 */

interface Column {
  name: string;
  /** SQL type as ksqlDB prints it (STRING, INTEGER, BIGINT, DOUBLE, BOOLEAN); '?' when the double cannot tell. */
  type: string;
  key: boolean;
}

export interface CatalogSource {
  kind: 'STREAM' | 'TABLE';
  name: string;
  topic: string;
  keyFormat: string;
  valueFormat: string;
  windowed: boolean;
  columns: Column[];
  queryId?: string;
}

/** A statement ksqlDB refuses: the text is the `message` of its KsqlStatementErrorMessage. */
export class Refusal extends Error {}

import type { ArgType, FunctionRegistry } from './ksqldb-functions.js';

/**
 * System columns (ksqldb-common/src/main/java/io/confluent/ksql/schema/ksql/SystemColumns.java:
 * ROWTIME, ROWPARTITION, ROWOFFSET, WINDOWSTART, WINDOWEND).
 */
const SYSTEM_COLUMNS = ['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND'];

/** Formats whose value schema ksqlDB infers from Schema Registry (DefaultSchemaInjector). */
const INFERRING_FORMATS = ['AVRO', 'PROTOBUF', 'JSON_SR'];

/** Replaces everything inside quotes and parentheses with '_' (same length): top-level structure only. */
function mask(text: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '`' || c === '"') {
      let j = i + 1;
      while (j < text.length && !(text[j] === c && text[j + 1] !== c)) j += text[j] === c ? 2 : 1;
      out += depth > 0 ? '_'.repeat(j - i + 1) : c + '_'.repeat(Math.max(0, j - i - 1)) + c;
      i = j;
      continue;
    }
    if (c === '(') {
      out += depth === 0 ? '(' : '_';
      depth++;
      continue;
    }
    if (c === ')') {
      depth--;
      out += depth === 0 ? ')' : '_';
      continue;
    }
    out += depth > 0 ? '_' : c;
  }
  return out;
}

/** Splits at top-level commas. */
function splitTop(text: string): string[] {
  const m = mask(text);
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < m.length; i++) {
    if (m[i] === ',') {
      parts.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  parts.push(text.slice(from).trim());
  return parts.filter((p) => p.length > 0);
}

/** ksqlDB upper-cases unquoted identifiers; back-quoted ones keep their case. */
function ident(raw: string): string {
  const t = raw.trim();
  return t.startsWith('`') && t.endsWith('`') ? t.slice(1, -1) : t.toUpperCase();
}

/** `WITH (K = 'v', ...)` → {K: 'v'}. */
function withProps(inner: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const part of splitTop(inner)) {
    const m = /^(\w+)\s*=\s*(.+)$/s.exec(part);
    if (m) props[m[1]!.toUpperCase()] = m[2]!.trim().replace(/^'(.*)'$/s, '$1');
  }
  return props;
}

/** Index of the matching ')' for the '(' at `open`. */
function closeParen(text: string, open: number): number {
  const m = mask(text.slice(open));
  const i = m.indexOf(')');
  return i < 0 ? -1 : open + i;
}

/** Avro primitive → ksqlDB SQL type (ksqldb-serde's AvroSchemas / connect schema translation). */
function sqlTypeOfAvro(t: unknown): string {
  const base = Array.isArray(t) ? t.find((x) => x !== 'null') : t;
  const name = typeof base === 'string' ? base : typeof base === 'object' && base !== null ? String((base as { type?: unknown }).type) : '?';
  return { string: 'STRING', int: 'INTEGER', long: 'BIGINT', double: 'DOUBLE', float: 'DOUBLE', boolean: 'BOOLEAN' }[name] ?? '?';
}

/** The value columns ksqlDB infers from an Avro record schema. */
function columnsOfAvro(schema: string): Column[] {
  const parsed = JSON.parse(schema) as { fields?: { name: string; type: unknown }[] };
  return (parsed.fields ?? []).map((f) => ({ name: f.name.toUpperCase(), type: sqlTypeOfAvro(f.type), key: false }));
}

export interface RuleContext {
  sources: Map<string, CatalogSource>;
  topicExists: (topic: string) => Promise<boolean>;
  /** The latest schema registered under a subject, or undefined. */
  subjectSchema: (subject: string) => Promise<string | undefined>;
  /** The functions the server knows: the loaded UDFs and the built-ins (./ksqldb-functions.ts). */
  functions: FunctionRegistry;
  /** ksql.persistence.default.format.value, from the server's config or the request's streamsProperties; ksqlDB's default is none. */
  defaultValueFormat?: string;
}

export interface ParsedCreate {
  kind: 'STREAM' | 'TABLE';
  name: string;
  ifNotExists: boolean;
  orReplace: boolean;
  props: Record<string, string>;
  /** Declared columns (CREATE STREAM x (...)). */
  declared: Column[];
  select?: string;
}

/** A type as written → as ksqlDB prints it: INT is INTEGER, VARCHAR is STRING (SqlPrimitiveType.of, ksqldb-udf/.../schema/ksql/types/SqlPrimitiveType.java). */
function sqlTypeName(t: string): string {
  return t.toUpperCase().replace(/^INT$/, 'INTEGER').replace(/^VARCHAR$/, 'STRING');
}

export function parseCreate(text: string): ParsedCreate | undefined {
  const m = /^CREATE\s+(OR\s+REPLACE\s+)?(?:SOURCE\s+)?(STREAM|TABLE)\s+(IF\s+NOT\s+EXISTS\s+)?(`[^`]+`|\w+)\s*([\s\S]*)$/i.exec(text);
  if (!m) return undefined;
  let rest = m[5]!.trim();
  const declared: Column[] = [];
  if (rest.startsWith('(')) {
    const end = closeParen(rest, 0);
    for (const def of splitTop(rest.slice(1, end))) {
      const d = /^(`[^`]+`|\w+)\s+(\w+(?:\s*<[^>]*>|\s*\([^)]*\))?)\s*(PRIMARY\s+KEY|KEY|HEADERS?.*)?$/i.exec(def);
      if (d) declared.push({ name: ident(d[1]!), type: sqlTypeName(d[2]!), key: /KEY/i.test(d[3] ?? '') });
    }
    rest = rest.slice(end + 1).trim();
  }
  let props: Record<string, string> = {};
  const w = /^WITH\s*\(/i.exec(rest);
  if (w) {
    const open = w[0].length - 1;
    const end = closeParen(rest, open);
    props = withProps(rest.slice(open + 1, end));
    rest = rest.slice(end + 1).trim();
  }
  const sel = /^AS\s+(SELECT\b[\s\S]*)$/i.exec(rest);
  return {
    kind: m[2]!.toUpperCase() as 'STREAM' | 'TABLE',
    name: ident(m[4]!),
    ifNotExists: Boolean(m[3]),
    orReplace: Boolean(m[1]),
    props,
    declared,
    ...(sel ? { select: sel[1]! } : {}),
  };
}

/** "Persistence{columns=[`F1` INTEGER KEY, `F2` INTEGER KEY], features=[]}" (ksqldb-serde PersistenceSchema.toString). */
function persistence(cols: Column[]): { schema: string; list: string } {
  const list = `[${cols.map((c) => `\`${c.name}\` ${c.type} KEY`).join(', ')}]`;
  return { schema: `Persistence{columns=${list}, features=[]}`, list };
}

/**
 * Rule: the KAFKA format holds one column. Message of
 * ksqldb-serde/src/main/java/io/confluent/ksql/serde/GenericSerdeFactory.java ("Key format does not
 * support schema.") wrapping ksqldb-serde/src/main/java/io/confluent/ksql/serde/kafka/KafkaSerdeFactory.java
 * ("The 'KAFKA' format only supports a single field. Got: ..."); the exact text is that of
 * ksqldb-functional-tests/src/test/resources/query-validation-tests/group-by.json, case
 * "multiple expressions - KAFKA key format".
 */
function checkKeyFormat(format: string, keys: Column[]): void {
  if (format.toUpperCase() === 'KAFKA' && keys.length > 1) {
    const p = persistence(keys);
    throw new Refusal(
      `Key format does not support schema.\nformat: KAFKA\nschema: ${p.schema}\nreason: The 'KAFKA' format only supports a single field. Got: ${p.list}`,
    );
  }
}

/**
 * "Key missing from projection (ie, SELECT). \nThe query used to build `X` must include the key
 * column K in its projection (eg, SELECT K...)." — PlanNode.throwKeysNotIncludedError
 * (ksqldb-engine/src/main/java/io/confluent/ksql/planner/plan/PlanNode.java); the cases
 * "projection with missing key column" (query-validation-tests/project-filter.json) and
 * "multiple expressions - single key missing from projection" (group-by.json).
 */
function keysNotIncluded(sink: string, type: 'key column' | 'grouping expression', missing: string[]): Refusal {
  const types = missing.length === 1 ? type : `${type}s`;
  const and = missing.length === 1 ? missing[0]! : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]!}`;
  return new Refusal(
    `Key${missing.length > 1 ? 's' : ''} missing from projection (ie, SELECT). \nThe query used to build \`${sink}\` must include the ${types} ${and} in its projection (eg, SELECT ${missing.join(', ')}...).`,
  );
}

interface SelectParts {
  items: { expr: string; alias?: string }[];
  from: string;
  windowed: boolean;
  groupBy: string[];
  partitionBy?: string;
  where?: string;
  having?: string;
}

function parseSelect(select: string): SelectParts | undefined {
  const m = mask(select);
  const at = (re: RegExp) => {
    const r = re.exec(m);
    return r ? r.index : -1;
  };
  const iFrom = at(/\bFROM\b/i);
  if (iFrom < 0) return undefined;
  const clauses = [/\bWINDOW\b/i, /\bWHERE\b/i, /\bGROUP\s+BY\b/i, /\bPARTITION\s+BY\b/i, /\bHAVING\b/i, /\bEMIT\b/i, /\bLIMIT\b/i]
    .map(at)
    .filter((i) => i > iFrom);
  const endFrom = clauses.length ? Math.min(...clauses) : select.length;
  const fromName = /^\s*(`[^`]+`|\w+)/.exec(select.slice(iFrom + 4, endFrom))?.[1];
  if (!fromName) return undefined;
  const clause = (re: RegExp): string | undefined => {
    const i = at(re);
    if (i < 0) return undefined;
    const after = [...clauses, select.length].filter((j) => j > i);
    const head = re.exec(m.slice(i))![0].length;
    return select.slice(i + head, Math.min(...after)).trim();
  };
  const items = splitTop(select.slice(6, iFrom)).map((item) => {
    const a = /\s+AS\s+(`[^`]+`|\w+)\s*$/i.exec(mask(item));
    return a ? { expr: item.slice(0, a.index).trim(), alias: ident(item.slice(a.index).replace(/^\s+AS\s+/i, '')) } : { expr: item.trim() };
  });
  const group = clause(/\bGROUP\s+BY\b/i);
  const partition = clause(/\bPARTITION\s+BY\b/i);
  const where = clause(/\bWHERE\b/i);
  const having = clause(/\bHAVING\b/i);
  return {
    items,
    from: ident(fromName),
    windowed: at(/\bWINDOW\b/i) > iFrom,
    groupBy: group ? splitTop(group) : [],
    ...(partition ? { partitionBy: partition } : {}),
    ...(where ? { where } : {}),
    ...(having ? { having } : {}),
  };
}

/** A bare (possibly qualified) column reference, upper-cased; undefined for any other expression. */
function columnRef(expr: string): string | undefined {
  const m = /^(?:(?:`[^`]+`|\w+)\.)?(`[^`]+`|[A-Za-z_]\w*)$/.exec(expr.trim());
  return m ? ident(m[1]!) : undefined;
}

function typeOf(expr: string, cols: Column[], functions: FunctionRegistry): string {
  const e = expr.trim();
  if (/^\(([\s\S]*)\)$/.test(e) && closeParen(e, 0) === e.length - 1) return typeOf(e.slice(1, -1), cols, functions);
  if (/^NULL$/i.test(e)) return '?';
  if (/^'.*'$/s.test(e)) return 'STRING';
  if (/^-?\d+$/.test(e)) return 'INTEGER';
  if (/^-?\d+\.\d*$/.test(e)) return 'DECIMAL';
  const ref = columnRef(e);
  if (ref) return SYSTEM_COLUMNS.includes(ref) ? 'BIGINT' : (cols.find((c) => c.name === ref)?.type ?? '?');
  const cast = /^CAST\s*\([\s\S]*\s+AS\s+(\w+)\s*\)$/i.exec(e);
  if (cast) return sqlTypeName(cast[1]!);
  // A CASE has the type of its results (ksqldb-execution's ExpressionTypeManager.visitSearchedCaseExpression):
  // the first THEN at the CASE's own level, not one of a CASE nested in a condition.
  if (/^CASE\b/i.test(e)) {
    const m = mask(e);
    let depth = 0;
    for (let i = 0; i < m.length; i++) {
      const ch = m[i];
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if (depth === 0 && /^THEN\s/i.test(m.slice(i, i + 5)) && /\s/.test(m[i - 1] ?? ' ')) {
        const rest = e.slice(i + 4).trimStart();
        const r = /^('[^']*'|CAST\s*\([^)]*\)|\w+\s*\([^)]*\)|[^\s]+)/i.exec(rest);
        return r ? typeOf(r[1]!, cols, functions) : '?';
      }
    }
  }
  const call = /^(\w+)\s*\(([\s\S]*)\)$/.exec(e);
  if (call && closeParen(e, call[1]!.length + (/^\w+(\s*)/.exec(e)![1]!.length)) === e.length - 1 && !NOT_FUNCTIONS.has(call[1]!.toUpperCase())) return resolveCall(call[1]!, call[2]!, cols, functions);
  return '?';
}

/** Words of ksqlDB's grammar (ksqldb-parser/.../SqlBase.g4) that a '(' can follow without a function call. */
const NOT_FUNCTIONS = new Set(['CAST', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'AS', 'BETWEEN', 'LIKE', 'EXISTS', 'STRUCT', 'MAP', 'ARRAY', 'DECIMAL', 'VARCHAR', 'STRING', 'INTERVAL']);

/**
 * The type a call returns, the arguments' types first (ExpressionTypeManager.visitFunctionCall,
 * ksqldb-execution/src/main/java/io/confluent/ksql/execution/util/ExpressionTypeManager.java); an
 * aggregate without an argument (COUNT(*)) gets FunctionRegistry.DEFAULT_FUNCTION_ARG_SCHEMA, BIGINT.
 * Throws Refusal with the registry's message (see ./ksqldb-functions.ts).
 */
function resolveCall(name: string, argText: string, cols: Column[], functions: FunctionRegistry): string {
  const argsText = argText.trim() === '*' ? [] : splitTop(argText);
  const args: ArgType[] = argsText.map((a) => {
    const t = typeOf(a, cols, functions);
    return t === '?' ? undefined : t;
  });
  try {
    if (args.length === 0 && functions.isAggregate(name)) args.push('BIGINT');
    return functions.resolve(name, args);
  } catch (e) {
    if (e instanceof Refusal) throw e;
    throw new Refusal((e as Error).message);
  }
}

/**
 * Rule: every function called in an expression exists and accepts its arguments' types — for every
 * call, also one nested in a CASE condition or in another call's arguments: "Can't find any
 * functions with the name 'X'" (InternalFunctionRegistry.getUdfFactory, ksqldb-engine/.../function/
 * InternalFunctionRegistry.java, and AggregateAnalyzer.visitFunctionCall; query-validation-tests/
 * group-by.json "unknown function"), "Function 'x' does not accept parameters (...)" (UdfIndex,
 * ksqldb-common/.../function/UdfIndex.java; udf-implicit-cast.json "string literal -> double",
 * explode.json "explode shouldn't accept map").
 */
function checkCalls(expr: string, cols: Column[], functions: FunctionRegistry): void {
  // String literals blanked so that a '(' in one is not a call.
  const text = expr.replace(/'(?:''|[^'])*'/g, (s) => `'${'_'.repeat(s.length - 2)}'`);
  for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
    if (NOT_FUNCTIONS.has(m[1]!.toUpperCase())) continue;
    const open = m.index + m[0].length - 1;
    const end = closeParen(expr, open);
    if (end < 0) continue;
    resolveCall(m[1]!, expr.slice(open + 1, end), cols, functions);
  }
}

/**
 * Checks a CREATE [STREAM|TABLE] ... AS SELECT and returns the sink it makes (not yet stored).
 * Rules, in the order ksqlDB meets them:
 *  1. the source exists: "X does not exist." — DataSourceExtractor.visitAliasedRelation
 *     (ksqldb-engine/src/main/java/io/confluent/ksql/engine/rewrite/DataSourceExtractor.java; the
 *     message of AstSanitizerTest "UNKNOWN does not exist.");
 *  2. no unaliased system column in the projection: "Reserved column name in select: `ROWTIME`.
 *     Please remove or alias the column." — Analyzer.checkForReservedToken
 *     (ksqldb-engine/src/main/java/io/confluent/ksql/analyzer/Analyzer.java; query-validation-tests/
 *     elements.json, "non-join should reject ROWTIME/WINDOWSTART/WINDOWEND in projection"), and no
 *     alias that is one: "`ROWTIME` is a reserved column name. You cannot use it as an alias for a column.";
 *  3. every function called in the projection, WHERE, GROUP BY, PARTITION BY and HAVING exists and
 *     accepts its arguments (see checkCalls);
 *  4. the key columns (or the grouping expressions) are in the projection (see keysNotIncluded);
 *  5. the sink's key format holds its key columns (see checkKeyFormat); the sink inherits the
 *     source's key format unless WITH sets KEY_FORMAT or FORMAT.
 */
export function checkCreateAsSelect(c: ParsedCreate, ctx: RuleContext): CatalogSource | undefined {
  const sel = parseSelect(c.select!);
  if (!sel) return undefined;
  const source = ctx.sources.get(sel.from);
  if (!source) throw new Refusal(`${sel.from} does not exist.`);

  for (const item of sel.items) {
    const ref = columnRef(item.expr);
    const name = item.alias ?? ref;
    if (name && SYSTEM_COLUMNS.includes(name)) {
      if (ref !== name) throw new Refusal(`\`${name}\` is a reserved column name. You cannot use it as an alias for a column.`);
      throw new Refusal(`Reserved column name in select: \`${name}\`. Please remove or alias the column.`);
    }
  }

  for (const expr of [...sel.items.map((i) => i.expr), sel.where, ...sel.groupBy, sel.partitionBy, sel.having]) {
    if (expr) checkCalls(expr, source.columns, ctx.functions);
  }

  const star = sel.items.some((i) => /^(\w+\.)?\*$/.test(i.expr.trim()));
  const projected = (expr: string) => sel.items.find((i) => i.expr.trim().toUpperCase() === expr.trim().toUpperCase() || (columnRef(i.expr) !== undefined && columnRef(i.expr) === columnRef(expr)));
  let keys: Column[];
  if (sel.groupBy.length > 0) {
    const missing = sel.groupBy.filter((g) => !projected(g));
    if (missing.length > 0) throw keysNotIncluded(c.name, 'grouping expression', missing.map((g) => columnRef(g) ?? g.toUpperCase()));
    keys = sel.groupBy.map((g) => {
      const item = projected(g)!;
      return { name: item.alias ?? columnRef(item.expr) ?? item.expr.toUpperCase(), type: typeOf(g, source.columns, ctx.functions), key: true };
    });
  } else if (sel.partitionBy) {
    keys = [{ name: columnRef(sel.partitionBy) ?? 'KSQL_COL_0', type: typeOf(sel.partitionBy, source.columns, ctx.functions), key: true }];
  } else {
    const sourceKeys = source.columns.filter((k) => k.key);
    const missing = star ? [] : sourceKeys.filter((k) => !sel.items.some((i) => columnRef(i.expr) === k.name)).map((k) => k.name);
    if (missing.length > 0) throw keysNotIncluded(c.name, 'key column', missing);
    keys = sourceKeys.map((k) => {
      const item = sel.items.find((i) => columnRef(i.expr) === k.name);
      return { ...k, name: item?.alias ?? k.name };
    });
  }

  const keyFormat = (c.props['KEY_FORMAT'] ?? c.props['FORMAT'] ?? source.keyFormat).toUpperCase();
  checkKeyFormat(keyFormat, keys);

  const keyNames = new Set(keys.map((k) => k.name));
  const values: Column[] = star
    ? source.columns.filter((col) => !col.key)
    : sel.items
        .map((i, n) => ({ name: i.alias ?? columnRef(i.expr) ?? `KSQL_COL_${n}`, type: typeOf(i.expr, source.columns, ctx.functions), key: false }))
        .filter((col) => !keyNames.has(col.name));
  return {
    kind: c.kind,
    name: c.name,
    topic: c.props['KAFKA_TOPIC'] ?? c.name,
    keyFormat,
    valueFormat: (c.props['VALUE_FORMAT'] ?? c.props['FORMAT'] ?? source.valueFormat).toUpperCase(),
    windowed: sel.windowed || source.windowed,
    columns: [...keys, ...values],
  };
}

/**
 * Checks a CREATE STREAM/TABLE over a topic and returns the source it makes. Rules, in order:
 *  0. a value format: VALUE_FORMAT or FORMAT in the WITH clause, else the config
 *     ksql.persistence.default.format.value (default: none) — "Statement is missing the
 *     'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the
 *     'ksql.persistence.default.format.value' config." (DefaultFormatInjector.getDefaultValueFormat,
 *     ksqldb-engine/src/main/java/io/confluent/ksql/format/DefaultFormatInjector.java, the first
 *     injector of Injectors.NO_TOPIC_DELETE; query-validation-tests/formats.json "missing value
 *     format"). The key format defaults to ksql.persistence.default.format.key, KAFKA (KsqlConfig).
 *     CREATE ... AS SELECT is no CreateSource and inherits its formats;
 *  1. value columns: with none declared and a format that reads its schema from Schema Registry,
 *     the subject `<topic>-value` must hold one — else SchemaRegistryTopicSchemaSupplier.notFound
 *     (ksqldb-engine/src/main/java/io/confluent/ksql/schema/ksql/inference/SchemaRegistryTopicSchemaSupplier.java;
 *     its first line is the message of query-validation-tests/protobuf.json "fail if protobuf schema
 *     name is not found"; the links are ksqldb-common/.../links/DocumentationLinks.java's); with no
 *     column at all otherwise: "The statement does not define any
 *     columns." (CreateSourceFactory.buildSchema, ksqldb-engine/.../ddl/commands/CreateSourceFactory.java);
 *  2. the topic exists, unless WITH gives PARTITIONS (then ksqlDB creates it): "Kafka topic does not
 *     exist: <topic>" (CreateSourceFactory.getTopicName, same file);
 *  3. the key format holds the key columns (checkKeyFormat).
 * Schema inference comes first because DefaultSchemaInjector runs before the statement is planned
 * (RequestValidator.validate: injector.inject, then distributedStatementValidator.create).
 */
/** Rule 0 of checkCreateSource; exported for the double, which checks it before whether the source exists (the injectors run before DistributingExecutor.checkIfNotExistsResponse). */
export function checkValueFormat(c: ParsedCreate, ctx: RuleContext): string {
  const format = c.props['FORMAT'] ?? c.props['VALUE_FORMAT'] ?? ctx.defaultValueFormat;
  if (format === undefined) {
    throw new Refusal(
      "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config.",
    );
  }
  return format.toUpperCase();
}

export async function checkCreateSource(c: ParsedCreate, ctx: RuleContext): Promise<CatalogSource> {
  const topic = c.props['KAFKA_TOPIC'] ?? c.name;
  const valueFormat = checkValueFormat(c, ctx);
  const keyFormat = (c.props['KEY_FORMAT'] ?? c.props['FORMAT'] ?? 'KAFKA').toUpperCase();
  let columns = c.declared;
  if (!columns.some((col) => !col.key) && INFERRING_FORMATS.includes(valueFormat)) {
    const subject = `${topic}-value`;
    const schema = await ctx.subjectSchema(subject);
    if (schema === undefined) {
      const nl = '\n';
      throw new Refusal(
        `Schema for message values on topic '${topic}' does not exist in the Schema Registry.${nl}Subject: ${subject}${nl}` +
          `Possible causes include:${nl}- The topic itself does not exist${nl}\t-> Use SHOW TOPICS; to check${nl}` +
          `- Messages on the topic are not serialized using a format Schema Registry supports${nl}\t-> Use PRINT '${topic}' FROM BEGINNING; to verify${nl}` +
          `- Messages on the topic have not been serialized using a Confluent Schema Registry supported serializer${nl}` +
          `\t-> See https://docs.confluent.io/current/schema-registry/docs/serializer-formatter.html${nl}` +
          `- The schema is registered on a different instance of the Schema Registry${nl}` +
          `\t-> Use the REST API to list available subjects\thttps://docs.confluent.io/current/schema-registry/docs/api.html#get--subjects${nl}` +
          `- You do not have permissions to access the Schema Registry.${nl}\t-> See https://docs.confluent.io/current/schema-registry/docs/security.html`,
      );
    }
    columns = [...columns, ...columnsOfAvro(schema)];
  }
  if (columns.length === 0) throw new Refusal('The statement does not define any columns.');
  if (!('PARTITIONS' in c.props) && !(await ctx.topicExists(topic))) throw new Refusal(`Kafka topic does not exist: ${topic}`);
  checkKeyFormat(keyFormat, columns.filter((col) => col.key));
  return { kind: c.kind, name: c.name, topic, keyFormat, valueFormat, windowed: 'WINDOW_TYPE' in c.props, columns };
}
