import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { JAR_NAME } from '../udf/build.js';

/**
 * A ksqlDB server to deploy to: its REST URL, its extension directory (a local path, or
 * `[user@]host:/path` reached with ssh/scp), the command that restarts it, and — when its
 * ksql.functions.anomoly_power.model.path names a directory — that directory as this machine
 * reaches it (local, or host:/path), where `deploy` and `deploy --model-only` put the model.
 */
export interface Target {
  name: string;
  url: string;
  extDir: string;
  /** argv of the restart command; a string in the targets file runs through `sh -c`. */
  restart: string[];
  modelDir?: string;
}

const targetSchema = z.object({
  name: z.string().min(1),
  url: z.string().url(),
  extDir: z.string().min(1),
  restart: z.union([z.string().min(1), z.array(z.string()).min(1)]),
  modelDir: z.string().min(1).optional(),
});

/**
 * The compose stack's ksqlDB: ./ext is bind-mounted into it, `docker compose restart` restarts it,
 * and the model directory (the ksqldb.modelDir setting, ./ext/model) is mounted as its
 * ksql.functions.anomoly_power.model.path.
 */
export function composeTarget(url: string, composeFile: string, repoExt: string, modelDir?: string): Target {
  return { name: 'compose', url, extDir: repoExt, restart: ['docker', 'compose', '-f', composeFile, 'restart', 'ksqldb-server'], ...(modelDir ? { modelDir } : {}) };
}

/** Reads a JSON array of targets; each is restarted in turn, the next only once the last is verified. */
export function readTargets(file: string): Target[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the targets file ${file}: ${(e as Error).message}`);
  }
  const parsed = z.array(targetSchema).min(1).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `${file}: ${issue.path.length ? `[${issue.path.join('].')}` + (issue.path.length > 1 ? '' : ']') : 'the file'}: ${issue.message}; expected [{"name", "url", "extDir", "restart", "modelDir" (optional)}], e.g. ` +
        `[{"name": "ksql-1", "url": "http://ksql-1:8088", "extDir": "deploy@ksql-1:/etc/ksqldb/ext", "restart": "ssh deploy@ksql-1 sudo systemctl restart confluent-ksqldb", "modelDir": "deploy@ksql-1:/etc/ksqldb/model"}]`,
    );
  }
  return parsed.data.map(({ modelDir, ...t }) => ({ ...t, restart: typeof t.restart === 'string' ? ['sh', '-c', t.restart] : t.restart, ...(modelDir ? { modelDir } : {}) }));
}

/** `user@host:/path` → remote; anything else is a local directory. */
export function remoteOf(extDir: string): { host: string; dir: string } | undefined {
  const m = /^([^/:\s]+):(\/.*)$/.exec(extDir);
  return m ? { host: m[1]!, dir: m[2]! } : undefined;
}

export function jarPaths(extDir: string): { jar: string; previous: string } {
  const remote = remoteOf(extDir);
  const dir = remote ? remote.dir : extDir;
  const jar = remote ? `${dir.replace(/\/+$/, '')}/${JAR_NAME}` : join(dir, JAR_NAME);
  return { jar, previous: `${jar}.previous` };
}
