import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { cacheDir } from '../support/cache-dir.js';
import { freePort, startSupervised } from '../support/process.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const POM = join(HERE, 'pom.xml');

/** The SASL users the broker knows, for tests of the client's auth options. */
export const SASL_USERS = {
  plain: { username: 'alice', password: 'alice-plain-secret' },
  scram: { username: 'bob', password: 'bob-scram-secret' },
} as const;

export interface BrokerInfo {
  version: string;
  bootstrap: string;
  saslBootstrap: string;
  /** An SSL listener whose self-signed certificate (for 127.0.0.1) is `caFile`, PEM. */
  sslBootstrap: string;
  caFile: string;
  startupMs: number;
}

export interface RunningBroker extends BrokerInfo {
  pid: number | undefined;
  dataDir: string;
  stop(): Promise<void>;
}

function kafkaVersion(): string {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM, 'utf8'));
  if (!m?.[1]) throw new Error(`no <kafka.version> in ${POM}`);
  return m[1];
}

/** Resolves the broker's jars once into <cache>/kafka/<version>/libs (see cacheDir; Maven's own cache is ~/.m2). */
async function resolveKafka(version = kafkaVersion()): Promise<string> {
  const dir = cacheDir('kafka', version);
  const libs = join(dir, 'libs');
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return libs;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    await run('mvn', ['-B', '-q', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`could not resolve Apache Kafka ${version} with Maven (is Maven installed and Maven Central reachable?):\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  }
  if (!readdirSync(libs).some((f) => f.startsWith('kafka_2.13-'))) throw new Error(`Maven resolved no kafka_2.13 jar into ${libs}`);
  writeFileSync(marker, new Date().toISOString());
  return libs;
}

const LOG4J2 = `
status = warn
appender.file.type = Console
appender.file.name = out
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = out
logger.appinfo.name = org.apache.kafka.common.utils.AppInfoParser
logger.appinfo.level = INFO
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = INFO
`;

export interface StartOptions {
  /** Where to keep data and logs; a new temp dir by default, removed on stop. */
  workDir?: string;
  readyTimeoutMs?: number;
}

/**
 * A single-node KRaft broker on 127.0.0.1 with a PLAINTEXT listener, a SASL_PLAINTEXT listener
 * (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and an SSL listener. Resolves once it answers metadata
 * requests.
 */
export async function startBroker(opts: StartOptions = {}): Promise<RunningBroker> {
  const t0 = Date.now();
  const version = kafkaVersion();
  const libs = await resolveKafka(version);
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'stream-smarts-kafka-'));
  const dataDir = join(workDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const [plainPort, saslPort, sslPort, controllerPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const tls = await selfSignedKeystore(workDir);

  const props = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${plainPort},SASL_PLAINTEXT://127.0.0.1:${saslPort},SSL://127.0.0.1:${sslPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${plainPort},SASL_PLAINTEXT://127.0.0.1:${saslPort},SSL://127.0.0.1:${sslPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT',
    `listener.name.ssl.ssl.keystore.location=${tls.keystore}`,
    'listener.name.ssl.ssl.keystore.type=PKCS12',
    `listener.name.ssl.ssl.keystore.password=${tls.password}`,
    `listener.name.ssl.ssl.key.password=${tls.password}`,
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${SASL_USERS.plain.username}="${SASL_USERS.plain.password}";`,
    'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
  ];
  const propsFile = join(workDir, 'server.properties');
  writeFileSync(propsFile, props.join('\n') + '\n');
  writeFileSync(join(workDir, 'log4j2.properties'), LOG4J2);

  const scram = (mech: string) => `${mech}=[name=${SASL_USERS.scram.username},password=${SASL_USERS.scram.password}]`;
  try {
    await run('java', [
      ...jvmArgs(workDir),
      '-cp',
      `${libs}/*`,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId(),
      '-c',
      propsFile,
      '--add-scram',
      scram('SCRAM-SHA-256'),
      '--add-scram',
      scram('SCRAM-SHA-512'),
    ]);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`kafka-storage format failed: ${err.stderr ?? err.message}`);
  }

  const bootstrap = `127.0.0.1:${plainPort}`;
  const proc = await launch(libs, workDir, 'broker.log', bootstrap, opts.readyTimeoutMs ?? 30_000, () => (opts.workDir ? undefined : rmSync(workDir, { recursive: true, force: true })));
  const stop = async () => {
    await proc.stop();
    if (!opts.workDir) rmSync(workDir, { recursive: true, force: true });
  };

  const reported = /Kafka version: (\S+)/.exec(readFileSync(proc.logFile, 'utf8'))?.[1] ?? version;
  return {
    version: reported,
    bootstrap,
    saslBootstrap: `127.0.0.1:${saslPort}`,
    sslBootstrap: `127.0.0.1:${sslPort}`,
    caFile: tls.caFile,
    startupMs: Date.now() - t0,
    pid: proc.child.pid,
    dataDir,
    stop,
  };
}

/**
 * A self-signed RSA key and certificate for 127.0.0.1 made with the JDK's keytool (no openssl
 * needed): the broker serves it from a PKCS12 keystore, and the certificate, as PEM, is the CA a
 * client must trust — what a user's private CA is to STREAM_SMARTS_KAFKA_SSL_CA_FILE.
 */
async function selfSignedKeystore(workDir: string): Promise<{ keystore: string; password: string; caFile: string }> {
  const keystore = join(workDir, 'broker.p12');
  const caFile = join(workDir, 'broker-ca.pem');
  const password = randomUUID();
  const common = ['-keystore', keystore, '-storetype', 'PKCS12', '-storepass', password, '-alias', 'broker'];
  try {
    await run('keytool', ['-genkeypair', ...common, '-keyalg', 'RSA', '-keysize', '2048', '-validity', '2', '-dname', 'CN=127.0.0.1', '-ext', 'SAN=ip:127.0.0.1,dns:localhost', '-keypass', password]);
    const { stdout } = await run('keytool', ['-exportcert', '-rfc', ...common]);
    writeFileSync(caFile, stdout);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`keytool could not make the test broker's TLS certificate (is a JDK on PATH?): ${err.stderr ?? err.message}`);
  }
  return { keystore, password, caFile };
}

function jvmArgs(workDir: string): string[] {
  return ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${join(workDir, 'log4j2.properties')}`];
}

/**
 * Starts `kafka.Kafka` on a formatted work dir (its server.properties and log4j2.properties) and
 * resolves once it answers metadata requests; on failure it stops the process and throws with the
 * end of its log.
 */
async function launch(libs: string, workDir: string, logName: string, bootstrap: string, readyTimeoutMs: number, onFail: () => void = () => undefined) {
  // The marker property lets `make test` prove no test broker outlives the run.
  const proc = startSupervised('java', [...jvmArgs(workDir), '-Dstream-smarts.test-broker=1', '-cp', `${libs}/*`, 'kafka.Kafka', join(workDir, 'server.properties')], join(workDir, logName));
  const deadline = Date.now() + readyTimeoutMs;
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 });
  let lastError: unknown;
  let exitedEarly = false;
  void proc.exited.then(() => (exitedEarly = true));
  for (;;) {
    if (exitedEarly || Date.now() > deadline) {
      const tail = proc.tail();
      await proc.stop();
      onFail();
      throw new Error(
        exitedEarly
          ? `the Kafka broker exited during startup; its log ends:\n${tail}`
          : `the Kafka broker did not answer metadata requests within ${readyTimeoutMs / 1000} s (${String(lastError)}); its log ends:\n${tail}`,
      );
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      await admin.disconnect();
      if (cluster.brokers.length > 0) return proc;
    } catch (e) {
      lastError = e;
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts again a broker that startBroker({ workDir }) created and that was stopped: the same
 * server.properties, so the same ports, cluster id and log directory — a real outage and recovery
 * at one address. (startBroker formats storage with a new cluster id, which existing data refuses.)
 */
export async function restartBroker(workDir: string, bootstrap: string, readyTimeoutMs = 30_000): Promise<{ stop: () => Promise<void> }> {
  const proc = await launch(await resolveKafka(), workDir, 'broker-restarted.log', bootstrap, readyTimeoutMs);
  return { stop: () => proc.stop() };
}

/** KRaft cluster ids are 16 random bytes in URL-safe base64 without padding, as `kafka-storage random-uuid` prints. */
/**
 * A random KRaft cluster id (16 bytes, base64url), never one starting with "-": kafka-storage's
 * argument parser would read that as an option ("argument --cluster-id/-t: expected one
 * argument"), which failed about one broker start in 64 (seen in a fresh clone's make test).
 */
function clusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
