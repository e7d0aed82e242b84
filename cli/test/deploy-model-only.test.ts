import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { rawPowerAvsc } from '@stream-smarts/contracts';
import { startKsqlDbDouble, type KsqlDbDouble } from '../../testing/doubles/ksqldb.js';
import { KsqlClient } from '../src/ksql/client.js';
import { splitStatements } from '../src/ksql/statements.js';
import { cli } from './run-cli.js';

/**
 * `deploy --model-only` against the ksqlDB double with a real model directory: the double's UDF
 * watches the directory as the ANOMOLY_POWER UDF does (udf-java LiveModel: file stats every
 * interval, the declared hash, a load only for a new one, refused when broken) and answers the
 * pull query on RAW_POWER_STREAM with what ANOMOLY_POWER_MODEL() returns. The models are the UDF's
 * own test models (real H2O MOJOs): `reference`, and `winter`, the same house 30 % hungrier.
 */

const REPO = realpathSync(fileURLToPath(new URL('../../', import.meta.url)));
const MODELS = join(REPO, 'udf-java', 'src', 'test', 'resources', 'models');
const REFERENCE = join(MODELS, 'reference');
const WINTER = join(MODELS, 'winter');
const hashOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'envelope.json'), 'utf8')) as { contentHash: string }).contentHash;
const REFERENCE_HASH = hashOf(REFERENCE);
const WINTER_HASH = hashOf(WINTER);

const open: KsqlDbDouble[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

/**
 * A ksqlDB whose ANOMOLY_POWER reads its model from `modelDir` (holding the reference model), with
 * ksql/010 and 020 applied — creating 020's query configures the UDF, which loads the directory —
 * and `readings` records in raw_power.
 */
async function stack(o: { checkIntervalMs?: number; readings?: number; apply?: string[] } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'model-only-'));
  const modelDir = join(work, 'ext', 'model');
  cpSync(REFERENCE, modelDir, { recursive: true });
  const ksql = await startKsqlDbDouble({
    functions: () => [{ name: 'ANOMOLY_POWER', version: `0.3.0+model.${REFERENCE_HASH.slice(0, 12)}` }],
    udfModel: { dir: modelDir, checkIntervalMs: o.checkIntervalMs ?? 200 },
  });
  open.push(ksql);
  ksql.topics.add('raw_power');
  ksql.subjects.set('raw_power-value', rawPowerAvsc());
  {
    const c = new KsqlClient({ url: ksql.url });
    for (const f of o.apply ?? ['010-raw-power-stream.sql', '020-power-stream-scored.sql']) {
      for (const st of splitStatements(readFileSync(join(REPO, 'ksql', f), 'utf8'))) await c.execute(st.text);
    }
  }
  ksql.pushRows.set('RAW_POWER_STREAM', { columns: ['TS'], types: ['BIGINT'], rows: Array.from({ length: o.readings ?? 3 }, (_, i) => [i]) });
  const env = { KSQLDB_URL: ksql.url, STREAM_SMARTS_KSQLDB_MODEL_DIR: modelDir, STREAM_SMARTS_LOG_LEVEL: 'warn' };
  return { work, modelDir, ksql, env };
}

const filesOf = (dir: string) => readdirSync(dir).sort();

describe('deploy --model-only: the new model into the directory the UDF watches, then proof ksqlDB scores with it', () => {
  it('copies the model and waits until ANOMOLY_POWER_MODEL() names it; no build, no restart', async () => {
    const s = await stack();
    // Creating 020's query configured the UDF: it scores with the directory's model.
    expect(s.ksql.udf.hash).toBe(REFERENCE_HASH);
    const r = await cli(['deploy', '--model-only', '--model', WINTER], s.env, { cwd: s.work });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ 1\/4 check the prerequisites .*: 2 prerequisites hold$/);
    expect(lines[1]).toBe(` 2/4 ask compose which model scores now: scoring with ${REFERENCE_HASH.slice(0, 12)}…`);
    expect(lines[2]).toMatch(new RegExp(`^ 3/4 copy model .* into compose's model directory, each file renamed into place, envelope.json last: ${s.modelDir} holds model .* \\(${WINTER_HASH.slice(0, 12)}…\\)$`));
    expect(lines[3]).toMatch(new RegExp(`^ 4/4 wait until compose scores with model .*: scoring with ${WINTER_HASH.slice(0, 12)}… after \\d+\\.\\d s$`));
    // What the UDF scores with now, and the directory: the winter model, byte for byte, no temporary file left.
    expect(s.ksql.udf.hash).toBe(WINTER_HASH);
    expect(s.ksql.udf.swaps).toBe(1);
    expect(s.ksql.udf.problems).toEqual([]);
    expect(filesOf(s.modelDir)).toEqual(['bands.zip', 'envelope.json']);
    for (const f of ['bands.zip', 'envelope.json']) expect(readFileSync(join(s.modelDir, f)).equals(readFileSync(join(WINTER, f)))).toBe(true);
    // Asked with the pull query the server runs on the stream of readings.
    expect(s.ksql.queries.at(-1)).toBe('SELECT ANOMOLY_POWER_MODEL() AS MODEL FROM RAW_POWER_STREAM LIMIT 1;');
    expect(s.ksql.statements.filter((x) => /^DESCRIBE|^CREATE/.test(x))).toHaveLength(2); // only the two applied above
  });

  it('--dry-run prints every step with its exact file operations and query, and changes nothing', async () => {
    const s = await stack();
    const r = await cli(['--json', 'deploy', '--model-only', '--dry-run', '--model', WINTER], s.env, { cwd: s.work });
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout) as { dryRun: boolean; steps: { title: string; detail: string }[] };
    expect(plan.steps.map((x) => x.title)).toEqual([
      'check the prerequisites (nothing is changed until they all hold)',
      'ask compose which model scores now',
      expect.stringMatching(/^copy model .* into compose's model directory, each file renamed into place, envelope.json last$/),
      expect.stringMatching(/^wait until compose scores with model /),
    ]);
    const copy = plan.steps[2]!.detail.split('\n');
    expect(copy).toHaveLength(2);
    expect(copy[0]).toMatch(new RegExp(`^cp ${WINTER}/bands\\.zip ${s.modelDir}/\\.bands\\.zip\\.tmp-stream-smarts-\\d+ && mv ${s.modelDir}/\\.bands\\.zip\\.tmp-stream-smarts-\\d+ ${s.modelDir}/bands\\.zip$`));
    expect(copy[1]).toMatch(/envelope\.json$/);
    expect(plan.steps[3]!.detail).toBe(`SELECT ANOMOLY_POWER_MODEL() AS MODEL FROM RAW_POWER_STREAM LIMIT 1; every 2 s until it returns ${WINTER_HASH} (up to 180 s)`);
    expect(readFileSync(join(s.modelDir, 'envelope.json')).equals(readFileSync(join(REFERENCE, 'envelope.json')))).toBe(true);
    expect(s.ksql.queries).toEqual([]);
  });

  it('a model whose envelope.json does not match bands.zip is refused before anything is copied', async () => {
    const s = await stack();
    const bad = join(s.work, 'bad');
    cpSync(WINTER, bad, { recursive: true });
    writeFileSync(join(bad, 'bands.zip'), readFileSync(join(REFERENCE, 'bands.zip')));
    const r = await cli(['deploy', '--model-only', '--model', bad], s.env, { cwd: s.work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/envelope\.json says contentHash [0-9a-f]{64}, but bands\.zip hashes to [0-9a-f]{64}/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(join(s.modelDir, 'envelope.json')).equals(readFileSync(join(REFERENCE, 'envelope.json')))).toBe(true);
  });

  it('a server that never picks the model up: fails after --swap-timeout naming model.path, the old model still scoring', async () => {
    // The watcher checks once an hour: within the timeout nothing changes.
    const s = await stack({ checkIntervalMs: 3_600_000 });
    const r = await cli(['deploy', '--model-only', '--swap-timeout', '3', '--model', WINTER], s.env, { cwd: s.work, timeout: 60_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`failed at step 4 of 4: wait until compose scores with model .*\\n.*\\n  error: compose still scores with ${REFERENCE_HASH.slice(0, 12)}… after 3 s, not ${WINTER_HASH.slice(0, 12)}…: check that ksql\\.functions\\.anomoly_power\\.model\\.path on compose names ${s.modelDir}`));
    expect(r.stderr).toContain('to go back: stream-smarts deploy --model-only --model models/<the previous model>');
    expect(s.ksql.udf.hash).toBe(REFERENCE_HASH);
  });

  it('no statements applied, or no query using ANOMOLY_POWER yet: says to apply them, and copies nothing', async () => {
    // Without 010 there is no stream to ask on.
    const s = await stack({ apply: [] });
    const r = await cli(['deploy', '--model-only', '--model', WINTER], s.env, { cwd: s.work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/failed at step 2 of 4: ask compose which model scores now[\s\S]*error: there is no stream RAW_POWER_STREAM on http:\/\/127\.0\.0\.1:\d+ to ask \(RAW_POWER_STREAM does not exist\.\): apply the statements first with `stream-smarts deploy`/);
    // With 010 but not 020, no query has configured ANOMOLY_POWER: ANOMOLY_POWER_MODEL() is NULL.
    const s2 = await stack({ apply: ['010-raw-power-stream.sql'] });
    expect(s2.ksql.udf.hash).toBeNull();
    const r2 = await cli(['deploy', '--model-only', '--model', WINTER], s2.env, { cwd: s2.work });
    expect(r2.exitCode).toBe(1);
    expect(r2.stderr).toMatch(/failed at step 2 of 4: ask compose which model scores now[\s\S]*error: no query on compose uses ANOMOLY_POWER yet \(ANOMOLY_POWER_MODEL\(\) is NULL\), so no model is live to swap: apply the statements with `stream-smarts deploy`/);
    expect(readFileSync(join(s2.modelDir, 'envelope.json')).equals(readFileSync(join(REFERENCE, 'envelope.json')))).toBe(true);
  });

  it('raw_power without a reading: copied, and said plainly that it could not be verified', async () => {
    const s = await stack({ readings: 0 });
    const r = await cli(['deploy', '--model-only', '--model', WINTER], s.env, { cwd: s.work });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/ 4\/4 wait until compose scores with model .*: copied; not verified: raw_power has no reading for ksqlDB to evaluate ANOMOLY_POWER_MODEL\(\) on yet/);
    expect(readFileSync(join(s.modelDir, 'envelope.json')).equals(readFileSync(join(WINTER, 'envelope.json')))).toBe(true);
  });

  it('ksqlDB down: one line naming it, before anything is copied', async () => {
    const s = await stack();
    await s.ksql.close();
    open.length = 0;
    const r = await cli(['deploy', '--model-only', '--model', WINTER], s.env, { cwd: s.work });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/failed at step 1 of 4: check the prerequisites[\s\S]*error: ksqlDB compose does not answer healthy at http:\/\/127\.0\.0\.1:\d+\/healthcheck/);
    expect(r.stderr).not.toContain('to go back');
    expect(readFileSync(join(s.modelDir, 'envelope.json')).equals(readFileSync(join(REFERENCE, 'envelope.json')))).toBe(true);
  });

  it('a cluster: every target that names a modelDir gets the model and is verified; one without modelDir is refused', async () => {
    const a = await stack();
    const b = await stack();
    const targets = join(a.work, 'cluster.json');
    const entry = (name: string, s: typeof a) => ({ name, url: s.ksql.url, extDir: join(s.work, 'ext'), restart: 'false', modelDir: s.modelDir });
    writeFileSync(targets, JSON.stringify([entry('ksql-1', a), entry('ksql-2', b)]));
    const r = await cli(['deploy', '--model-only', '--targets', targets, '--model', WINTER], { STREAM_SMARTS_LOG_LEVEL: 'warn' }, { cwd: a.work });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/ 4\/7 wait until ksql-1 scores with model .*: scoring with /);
    expect(r.stdout).toMatch(/ 7\/7 wait until ksql-2 scores with model .*: scoring with /);
    expect([a.ksql.udf.hash, b.ksql.udf.hash]).toEqual([WINTER_HASH, WINTER_HASH]);

    const { modelDir: _, ...noDir } = entry('ksql-3', a);
    writeFileSync(targets, JSON.stringify([entry('ksql-1', a), noDir]));
    const r2 = await cli(['deploy', '--model-only', '--targets', targets, '--model', REFERENCE], {}, { cwd: a.work });
    expect(r2.exitCode).toBe(1);
    expect(r2.stderr).toMatch(/cluster\.json: ksql-3 has no "modelDir": --model-only copies the model into the directory each server's ksql\.functions\.anomoly_power\.model\.path names/);
    expect(a.ksql.udf.hash).toBe(WINTER_HASH);
  });

  it('remote model directories: scp to temporary names, then one ssh renaming them into place, envelope.json last (dry run)', async () => {
    const s = await stack();
    const targets = join(s.work, 'cluster.json');
    writeFileSync(targets, JSON.stringify([{ name: 'ksql-1', url: s.ksql.url, extDir: 'deploy@ksql-1:/etc/ksqldb/ext', restart: 'true', modelDir: 'deploy@ksql-1:/etc/ksqldb/model' }]));
    const r = await cli(['--json', 'deploy', '--model-only', '--dry-run', '--targets', targets, '--model', WINTER], {}, { cwd: s.work });
    expect(r.exitCode).toBe(0);
    const steps = (JSON.parse(r.stdout) as { steps: { title: string; detail: string }[] }).steps;
    expect(steps[0]!.detail).toContain('`ssh` is installed');
    expect(steps[2]!.detail.split('\n')).toEqual([
      "ssh deploy@ksql-1 'mkdir -p /etc/ksqldb/model'",
      expect.stringMatching(new RegExp(`^scp -q ${WINTER}/bands\\.zip deploy@ksql-1:/etc/ksqldb/model/\\.bands\\.zip\\.tmp-stream-smarts-\\d+$`)),
      expect.stringMatching(new RegExp(`^scp -q ${WINTER}/envelope\\.json deploy@ksql-1:/etc/ksqldb/model/\\.envelope\\.json\\.tmp-stream-smarts-\\d+$`)),
    ]);
    expect(steps[3]!.detail).toMatch(/^ssh deploy@ksql-1 'mv -f \/etc\/ksqldb\/model\/\.bands\.zip\.tmp-stream-smarts-\d+ \/etc\/ksqldb\/model\/bands\.zip && mv -f \/etc\/ksqldb\/model\/\.envelope\.json\.tmp-stream-smarts-\d+ \/etc\/ksqldb\/model\/envelope\.json'$/);
  });

  it('the double refuses what the UDF refuses: a broken model in the directory keeps the old one scoring', async () => {
    const s = await stack();
    // A hand-edited directory: envelope.json names the winter model, bands.zip is still the reference one.
    writeFileSync(join(s.modelDir, 'envelope.json'), readFileSync(join(WINTER, 'envelope.json')));
    const deadline = Date.now() + 5000;
    while (s.ksql.udf.problems.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(s.ksql.udf.problems[0]).toMatch(/declares contentHash [0-9a-f]{64} but .*bands\.zip hashes to [0-9a-f]{64}/);
    expect(s.ksql.udf.hash).toBe(REFERENCE_HASH);
    expect(existsSync(join(s.modelDir, 'bands.zip'))).toBe(true);
  });
});
