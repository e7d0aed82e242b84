import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { JAR_NAME } from '../udf/build.js';

/**
 * A ksqlDB server to deploy to: its REST URL, its extension directory (a local path, or
 * `[user@]host:/path` reached with ssh/scp) and the command that restarts it.
 */
export interface Target {
  name: string;
  url: string;
  extDir: string;
  /** argv of the restart command; a string in the targets file runs through `sh -c`. */
  restart: string[];
}

const targetSchema = z.object({
  name: z.string().min(1),
  url: z.string().url(),
  extDir: z.string().min(1),
  restart: z.union([z.string().min(1), z.array(z.string()).min(1)]),
});

/** The compose stack's ksqlDB: ./ext is bind-mounted into it, `docker compose restart` restarts it. */
export function composeTarget(url: string, composeFile: string, repoExt: string): Target {
  return { name: 'compose', url, extDir: repoExt, restart: ['docker', 'compose', '-f', composeFile, 'restart', 'ksqldb-server'] };
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
      `${file}: ${issue.path.length ? `[${issue.path.join('].')}` + (issue.path.length > 1 ? '' : ']') : 'the file'}: ${issue.message}; expected [{"name", "url", "extDir", "restart"}], e.g. ` +
        `[{"name": "ksql-1", "url": "http://ksql-1:8088", "extDir": "deploy@ksql-1:/etc/ksqldb/ext", "restart": "ssh deploy@ksql-1 sudo systemctl restart confluent-ksqldb"}]`,
    );
  }
  return parsed.data.map((t) => ({ ...t, restart: typeof t.restart === 'string' ? ['sh', '-c', t.restart] : t.restart }));
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
