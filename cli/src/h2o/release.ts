/**
 * The H2O-3 release that trains the models, and the one udf-java's h2o-genmodel pins. Not 3.46.0.12:
 * the 3.46.0.12 server refuses MOJO export ("H2O-3 SECURE REQUIRED - MOJO export is blocked", HTTP
 * 412, a gate added for its commercial tier), and the MOJO is the whole point. 3.46.0.11 is the last
 * Apache-2.0 release that exports MOJOs.
 */
export const H2O_VERSION = '3.46.0.11';

/** The Docker image of the same release (docker-compose.yml's `h2o` service). */
export const H2O_IMAGE = `h2oai/h2o-open-source-k8s:${H2O_VERSION}`;
