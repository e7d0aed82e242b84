package io.github.streamsmarts.udf.model;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one thread that checks model directories for new models: a daemon, created on first use and
 * shared by every instance of both function spellings in this JVM (per UDF class loader), never
 * one per query. A check that loads a model runs here, off every scoring path.
 */
public final class ModelWatcher {

  /** The thread's name, as it appears in thread dumps of the ksqlDB server. */
  public static final String THREAD_NAME = "stream-smarts-model-watcher";

  private static ScheduledThreadPoolExecutor executor;

  private ModelWatcher() {
  }

  static synchronized ScheduledExecutorService executor() {
    if (executor == null) {
      final ClassLoader udfLoader = ModelWatcher.class.getClassLoader();
      final ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, task -> {
        final Thread thread = new Thread(task, THREAD_NAME);
        thread.setDaemon(true);
        // Not the query thread's loader that happened to start it: genmodel looks up services
        // through the context class loader.
        thread.setContextClassLoader(udfLoader);
        return thread;
      });
      pool.setRemoveOnCancelPolicy(true);
      executor = pool;
    }
    return executor;
  }
}
