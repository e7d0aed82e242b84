import { redactUrl, type Logger, type Source } from '@stream-smarts/contracts';
import { LocalH2OError } from '../h2o/errors.js';
import { startLocalH2O, type LocalH2O } from '../h2o/local-server.js';
import { noProgress, type Progress } from '../h2o/progress.js';
import { TrainError } from './errors.js';
import { H2OClient, H2OUnreachable } from './h2o-client.js';
import { h2oUnreachableError } from './h2o-help.js';

/**
 * The H2O a training run uses. The one at the URL when something answers there as an H2O; else,
 * when the URL is only the default (not given by flag, environment or .env) a local H2O started
 * for this run (h2o/local-server.ts) and stopped by `release`; else a clear error: a URL the user
 * gave means that server, and starting another one silently would hide their mistake.
 */

export interface H2OChoice {
  url: string;
  /** Where the URL came from; undefined or `default` lets train start its own. */
  source?: Source;
  /** Start a local H2O when none answers at a default URL; false: never (library callers that name a server). */
  startLocal: boolean;
  javaOptions?: readonly string[];
  log?: Logger;
  progress?: Progress;
}

export interface AcquiredH2O {
  url: string;
  /** Set when this run started the server. */
  local?: LocalH2O;
  /** Stops the local H2O, if this run started one; safe to call twice. */
  release(): Promise<void>;
}

/** Why the URL is not usable: undefined when an H2O answers there. */
async function probe(url: string): Promise<{ unreachable?: H2OUnreachable; notH2O?: string; version?: string }> {
  try {
    const c = await new H2OClient(url, 5000).cloud();
    if (typeof c.version !== 'string') return { notH2O: 'its /3/Cloud reply has no H2O version' };
    return { version: c.version };
  } catch (e) {
    if (e instanceof H2OUnreachable) return { unreachable: e };
    // Something else answers (an HTTP error, or a reply that is not H2O's JSON).
    return { notH2O: (e as Error).message };
  }
}

export async function acquireH2O(o: H2OChoice): Promise<AcquiredH2O> {
  const explicit = o.source !== undefined && o.source.kind !== 'default';
  const found = await probe(o.url);
  if (found.version) {
    o.log?.info({ url: redactUrl(o.url), version: found.version }, `training on the H2O ${found.version} at ${redactUrl(o.url)}`);
    return { url: o.url, release: async () => {} };
  }
  if (explicit || !o.startLocal) {
    if (found.unreachable) throw h2oUnreachableError(found.unreachable, undefined, o.source);
    throw new TrainError(
      `the server at ${redactUrl(o.url)} is not an H2O (${found.notH2O})`,
      explicit ? 'point H2O_URL / --h2o-url at an H2O 3.46.0.11, or leave it unset and train starts a local H2O itself' : 'point H2O_URL / --h2o-url at an H2O 3.46.0.11',
    );
  }
  o.log?.info(
    { url: redactUrl(o.url) },
    found.unreachable ? `no H2O answers at ${redactUrl(o.url)} (the default): starting a local one` : `the server at ${redactUrl(o.url)} is not an H2O (${found.notH2O}): starting a local one`,
  );
  let local: LocalH2O;
  try {
    local = await startLocalH2O({ progress: o.progress ?? noProgress, ...(o.javaOptions ? { javaOptions: o.javaOptions } : {}), ...(o.log ? { log: o.log } : {}) });
  } catch (e) {
    if (e instanceof LocalH2OError) throw new TrainError(e.message, e.fix);
    throw e;
  }
  return { url: local.url, local, release: () => local.stop() };
}

/** How a training command (`train`, `retrain`) names its H2O, from the settings and flags. */
export interface TrainerSettings {
  h2oUrl: string;
  /**
   * Where h2oUrl came from (the configuration loader's source). Only a default URL lets a run
   * start a local H2O when none answers there; a URL the user gave must answer.
   */
  h2oUrlSource?: Source;
  /** Start a local H2O when none answers at a default h2oUrl (default false: h2oUrl must answer). */
  startLocalH2O?: boolean;
  /** JVM options for that local H2O (the h2o.javaOptions setting). */
  h2oJavaOptions?: readonly string[];
  log?: Logger;
}

/** acquireH2O with a training command's settings: the one place they map onto an H2OChoice. */
export function acquireTrainerH2O(o: TrainerSettings, progress: Progress): Promise<AcquiredH2O> {
  return acquireH2O({
    url: o.h2oUrl,
    ...(o.h2oUrlSource ? { source: o.h2oUrlSource } : {}),
    startLocal: o.startLocalH2O ?? false,
    ...(o.h2oJavaOptions ? { javaOptions: o.h2oJavaOptions } : {}),
    ...(o.log ? { log: o.log } : {}),
    progress,
  });
}
