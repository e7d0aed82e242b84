import { Command, Option } from 'commander';
import { createRequire } from 'node:module';
import * as build from './commands/build.js';
import * as collect from './commands/collect.js';
import * as config from './commands/config.js';
import * as deploy from './commands/deploy.js';
import * as doctor from './commands/doctor.js';
import * as ksql from './commands/ksql.js';
import * as notify from './commands/notify.js';
import * as silence from './commands/silence.js';
import * as away from './commands/away.js';
import * as evaluate from './commands/evaluate.js';
import * as plot from './commands/plot.js';
import * as retrain from './commands/retrain.js';
import * as run from './commands/run.js';
import * as simulate from './commands/simulate.js';
import * as train from './commands/train.js';
import * as watch from './commands/watch.js';

const COMMANDS = [run, evaluate, train, retrain, simulate, plot, collect, build, deploy, ksql, watch, notify, silence, away, doctor, config];

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}

export function createProgram(): Command {
  const program = new Command('stream-smarts')
    .description("Bug me when I've left the heater on: household power anomalies, scored by a model trained on your own history.")
    .version(version(), '-V, --version')
    .option('--json', 'machine-readable output on stdout, and logs as JSON lines on stderr')
    .option('--verbose', "logs with every field, at debug level unless --log-level says otherwise (on a terminal a log line is otherwise the event's message alone)")
    .addOption(new Option('--log-level <level>', 'log verbosity (logs go to stderr)').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']))
    .option('--env-file <path>', 'read settings from this file instead of ./.env')
    .option('--bootstrap-servers <list>', 'Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS)')
    .option('--schema-registry-url <url>', 'Schema Registry URL (env SCHEMA_REGISTRY_URL)')
    .option('--ksqldb-url <url>', 'ksqlDB server URL (env KSQLDB_URL)')
    .option('--h2o-url <url>', 'H2O server URL (env H2O_URL)')
    .option('--timezone <zone>', 'IANA time zone of the household (env STREAM_SMARTS_TIMEZONE)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false });
  for (const c of COMMANDS) c.register(program);
  // Each command's `example` is "command line  # what it does"; align the comments.
  const examples = COMMANDS.map((c) => c.example.split(/\s+#\s+/) as [string, string?]);
  const width = Math.max(...examples.map(([cmd]) => cmd.length));
  const lines = examples.map(([cmd, what]) => `  $ ${cmd.padEnd(width)}${what ? `  # ${what}` : ''}`);
  program.addHelpText('after', `\nExamples:\n${lines.join('\n')}\n\nConfiguration: flags > environment > .env > defaults; see \`stream-smarts config --settings\`.`);
  return program;
}
