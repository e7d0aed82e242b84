import type { Context } from '../context.js';
import { stopAllLocalH2O } from '../h2o/local-server.js';
import type { Progress } from '../h2o/progress.js';
import type { TrainerSettings } from '../train/h2o-server.js';

/** The H2O settings `train` and `retrain` hand their run: the URL, where it came from, the local H2O's JVM options. */
export function trainerSettings(ctx: Context): TrainerSettings {
  const source = ctx.loaded.settings.find((s) => s.key === 'h2o.url')?.source;
  return {
    h2oUrl: ctx.config.h2o.url,
    ...(source ? { h2oUrlSource: source } : {}),
    startLocalH2O: true,
    ...(ctx.config.h2o.javaOptions ? { h2oJavaOptions: ctx.config.h2o.javaOptions } : {}),
    log: ctx.log,
  };
}

/**
 * Ctrl-C or SIGTERM during a training command: stop the local H2O this run started, say what was
 * left as it was, and exit as the signal asks (130/143). Had the process died outright, the local
 * H2O's watchdog would have stopped it within a second. Returns what removes the handlers.
 */
export function stopOnSignal(command: string, progress: Progress, afterwards: string, abort?: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    progress.stop();
    abort?.abort();
    void stopAllLocalH2O()
      .catch(() => 0)
      .then((n) => {
        process.stderr.write(`stream-smarts ${command}: interrupted by ${signal}${n > 0 ? '; stopped the local H2O' : ''}; ${afterwards}\n`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
