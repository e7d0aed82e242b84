import { redactUrl, redactUrlsIn } from '@stream-smarts/contracts';
import { TrainError } from './errors.js';

/**
 * The few calls of H2O-3's REST API (v3) that training needs: upload a CSV (POST /3/PostFile),
 * parse it with chosen column types (POST /3/ParseSetup, POST /3/Parse), build a GBM
 * (POST /3/ModelBuilders/gbm), follow jobs (GET /3/Jobs/{id}), download a MOJO
 * (GET /3/Models/{id}/mojo) and clean up (DELETE /3/Frames/{id}, /3/Models/{id}).
 * List-valued form fields are sent the way H2O's own clients send them: `["a","b"]`.
 */

export interface CloudInfo {
  version: string;
  cloudName: string;
  cloudSize: number;
  healthy: boolean;
}

export interface JobStatus {
  key: string;
  status: 'CREATED' | 'RUNNING' | 'DONE' | 'FAILED' | 'CANCELLED' | string;
  progress: number;
  message: string;
  exception?: string;
  dest?: string;
}

type Form = Record<string, string | number | boolean | readonly string[] | undefined>;

function encodeForm(form: Form): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) {
    if (v === undefined) continue;
    p.set(k, Array.isArray(v) ? `[${(v as readonly string[]).map((s) => JSON.stringify(s)).join(',')}]` : String(v));
  }
  return p;
}

/** H2O's error bodies (H2OErrorV3) carry `msg` and `exception_msg`; show the useful one. */
function h2oMessage(body: string): string {
  try {
    const j = JSON.parse(body) as { msg?: string; exception_msg?: string; error_count?: number; messages?: { message: string; field_name: string; message_type: string }[] };
    const errs = (j.messages ?? []).filter((m) => m.message_type === 'ERRR').map((m) => `${m.field_name}: ${m.message}`);
    return [j.exception_msg ?? j.msg, ...errs].filter(Boolean).join('; ') || body.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}

export class H2OClient {
  /** The URL without user info (fetch refuses URLs with credentials); they go in an Authorization header. */
  private readonly base: string;
  private readonly auth: Record<string, string> = {};

  constructor(
    readonly url: string,
    private readonly timeoutMs = 60_000,
  ) {
    let base = url;
    try {
      const u = new URL(url);
      if (u.username || u.password) {
        // H2O's -hash_login / -ldap_login servers take HTTP basic auth.
        this.auth = { authorization: `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}` };
        u.username = '';
        u.password = '';
        base = u.toString().replace(/\/$/, '');
      }
    } catch {
      // Not a URL: fetch says so below.
    }
    this.base = base;
  }

  private async request(method: string, path: string, body?: URLSearchParams | FormData, headers?: Record<string, string>): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { method, body: body ?? null, headers: { ...this.auth, ...(headers ?? {}) }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new H2OUnreachable(this.url, redactUrlsIn(cause?.code ?? cause?.message ?? (e as Error).message));
    }
    if (!res.ok) {
      const text = await res.text();
      throw new TrainError(`H2O at ${redactUrl(this.url)} rejected ${method} ${path.split('?')[0]} (HTTP ${res.status}): ${h2oMessage(text)}`, 'check the H2O server log; the request is logged at debug level (--log-level debug)');
    }
    return res;
  }

  private async json<T>(method: string, path: string, form?: Form): Promise<T> {
    const res = await this.request(method, path, form ? encodeForm(form) : undefined, form ? { 'content-type': 'application/x-www-form-urlencoded' } : undefined);
    return (await res.json()) as T;
  }

  async cloud(): Promise<CloudInfo> {
    const c = await this.json<{ version: string; cloud_name: string; cloud_size: number; cloud_healthy: boolean }>('GET', '/3/Cloud');
    return { version: c.version, cloudName: c.cloud_name, cloudSize: c.cloud_size, healthy: c.cloud_healthy };
  }

  /** Uploads bytes as a raw (unparsed) frame; returns its key. */
  async postFile(name: string, bytes: Uint8Array): Promise<string> {
    const form = new FormData();
    form.set('file', new Blob([bytes]), name);
    const res = await this.request('POST', `/3/PostFile?destination_frame=${encodeURIComponent(name)}`, form);
    const j = (await res.json()) as { destination_frame: string };
    return j.destination_frame;
  }

  /**
   * Parses an uploaded CSV into a frame with the given column types (H2O names: Enum, Numeric, …),
   * overriding the types ParseSetup guesses (it would read day and hour as numbers).
   */
  async parse(rawKey: string, destination: string, types: Record<string, string>): Promise<JobStatus> {
    const setup = await this.json<{
      parse_type: string;
      separator: number;
      number_columns: number;
      single_quotes: boolean;
      column_names: string[];
      column_types: string[];
      check_header: number;
      chunk_size: number;
    }>('POST', '/3/ParseSetup', { source_frames: [rawKey] });
    const columnTypes = setup.column_names.map((c, i) => types[c] ?? setup.column_types[i]!);
    const r = await this.json<{ job: { key: { name: string } } }>('POST', '/3/Parse', {
      destination_frame: destination,
      source_frames: [rawKey],
      parse_type: setup.parse_type,
      separator: setup.separator,
      number_columns: setup.number_columns,
      single_quotes: setup.single_quotes,
      column_names: setup.column_names,
      column_types: columnTypes,
      check_header: setup.check_header,
      chunk_size: setup.chunk_size,
      delete_on_done: true,
      blocking: false,
    });
    return this.job(r.job.key.name);
  }

  async frameColumns(key: string): Promise<{ label: string; type: string; domain: string[] | null }[]> {
    const j = await this.json<{ frames: { columns: { label: string; type: string; domain: string[] | null }[] }[] }>(
      'GET',
      `/3/Frames/${encodeURIComponent(key)}/summary?row_count=0`,
    );
    return j.frames[0]!.columns.map((c) => ({ label: c.label, type: c.type, domain: c.domain }));
  }

  /** Starts a GBM build; returns its job. */
  async buildGbm(params: Form): Promise<JobStatus> {
    const r = await this.json<{ job: { key: { name: string } } }>('POST', '/3/ModelBuilders/gbm', params);
    return this.job(r.job.key.name);
  }

  async job(key: string): Promise<JobStatus> {
    const j = await this.json<{ jobs: { key: { name: string }; status: string; progress: number; progress_msg: string; exception?: string; dest?: { name: string } }[] }>(
      'GET',
      `/3/Jobs/${encodeURIComponent(key)}`,
    );
    const job = j.jobs[0]!;
    return {
      key: job.key.name,
      status: job.status,
      progress: job.progress,
      message: job.progress_msg,
      ...(job.exception ? { exception: job.exception } : {}),
      ...(job.dest ? { dest: job.dest.name } : {}),
    };
  }

  /** Polls a job until it ends, reporting progress (0–1); throws if it fails. */
  async waitFor(job: JobStatus, what: string, onProgress?: (p: number, msg: string) => void, pollMs = 200): Promise<JobStatus> {
    let j = job;
    for (;;) {
      onProgress?.(j.progress, j.message);
      if (j.status === 'DONE') return j;
      if (j.status === 'FAILED' || j.status === 'CANCELLED') {
        throw new TrainError(`H2O ${what} ${j.status.toLowerCase()}: ${(j.exception ?? j.message ?? '').split('\n')[0]}`, 'see the H2O server log for the full stack trace');
      }
      await new Promise((r) => setTimeout(r, pollMs));
      j = await this.job(j.key);
    }
  }

  async mojo(modelId: string): Promise<Buffer> {
    const res = await this.request('GET', `/3/Models/${encodeURIComponent(modelId)}/mojo`);
    return Buffer.from(await res.arrayBuffer());
  }

  /** Best-effort removal of what a run left in the server's memory. */
  async remove(kind: 'Frames' | 'Models', key: string): Promise<void> {
    try {
      await this.request('DELETE', `/3/${kind}/${encodeURIComponent(key)}`);
    } catch {
      // Already gone or server going away: nothing to clean.
    }
  }
}

export class H2OUnreachable extends TrainError {
  constructor(
    readonly h2oUrl: string,
    readonly reason: string,
  ) {
    super(`no H2O answers at ${redactUrl(h2oUrl)} (${reason})`, 'start one, or leave H2O_URL unset and `train` starts a local H2O itself (see `stream-smarts train --help`)');
    this.name = 'H2OUnreachable';
  }
}
