/**
 * Test servers (Kafka, Mosquitto) run under the product's own watchdog (cli/src/h2o/supervise.ts),
 * which ends a server when the process that started it ends, however it ends — a failing test,
 * Ctrl-C, even SIGKILL. One watchdog for the product's local H2O and the harness alike.
 */
export { freePort, startSupervised, type Supervised } from '../../cli/src/h2o/supervise.js';
