import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LocalH2OError } from './errors.js';

const run = promisify(execFile);

export interface JavaInfo {
  /** Major version: 8 for "1.8.0_292", 17 for "17.0.15". */
  major: number;
  /** The first line of `java -version`. */
  description: string;
}

const INSTALL_JAVA = 'install Java 17, e.g. `sudo apt-get install openjdk-17-jre-headless` (Debian, Ubuntu, Raspberry Pi OS), `brew install openjdk@17` (macOS), or from https://adoptium.net';

/** Parses `java -version` output (it goes to stderr): `openjdk version "17.0.15" 2025-04-15`, `java version "1.8.0_292"`. */
export function parseJavaVersion(text: string): JavaInfo | undefined {
  const line = text.split('\n').find((l) => / version "/.test(l));
  const m = line ? /version "(\d+)(?:\.(\d+))?/.exec(line) : null;
  if (!line || !m) return undefined;
  const first = Number(m[1]);
  return { major: first === 1 ? Number(m[2] ?? 0) : first, description: line.trim() };
}

/**
 * The `java` on PATH, or a LocalH2OError saying how to install one. `why` names what needs it, for
 * the message. Java 17 is the floor: the UDF jar that computes the envelope is Java 17 bytecode.
 */
export async function requireJava(why: string): Promise<JavaInfo> {
  let out: { stdout: string; stderr: string };
  try {
    out = await run('java', ['-version'], { timeout: 30_000 });
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT') throw new LocalH2OError(`Java is not installed (no \`java\` on PATH); ${why}`, INSTALL_JAVA);
    throw new LocalH2OError(`\`java -version\` failed: ${(err.stderr ?? err.message).trim().split('\n')[0]}`, `repair or reinstall Java: ${INSTALL_JAVA}`);
  }
  const info = parseJavaVersion(`${out.stderr}\n${out.stdout}`);
  if (!info) throw new LocalH2OError(`cannot read the Java version from \`java -version\`: ${out.stderr.trim().split('\n')[0] ?? ''}`, INSTALL_JAVA);
  if (info.major < 17) throw new LocalH2OError(`Java ${info.major} is too old (${info.description}); ${why}, and needs Java 17 or later`, INSTALL_JAVA);
  return info;
}
