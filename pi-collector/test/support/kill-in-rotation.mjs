// Preloaded into a collector process (node --import this-file main.js ...) by
// recent-log-kill.test.ts: SIGKILLs the process in the middle of the recent log's rotation, at the
// point named by STREAM_SMARTS_TEST_KILL_AT, during the STREAM_SMARTS_TEST_KILL_NTH-th rotation that
// writes at least 1,000 bytes (the rewrite at start, of an empty window, does not count):
//   write         half the new file's bytes written to the temporary file (.recent.log.tmp-<pid>-<random>)
//   rename        the temporary file complete and synced, not yet renamed over recent.log
//   renamed       renamed, before the directory is synced and the log reopened
// The product has no such hook: this wraps node:fs from outside, as count-writes.ts does.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const at = process.env.STREAM_SMARTS_TEST_KILL_AT;
const nth = Number(process.env.STREAM_SMARTS_TEST_KILL_NTH ?? '1');
const TMP = /recent\.log\.tmp(-\d+-[0-9a-f]+)?$/;
const { openSync, writeSync, writeFileSync, renameSync } = fs;
const tmpFds = new Set();
let rotations = 0;
let armed = false;

function die() {
  fs.writeFileSync(`${process.env.STREAM_SMARTS_TEST_KILL_MARK}`, `${at} ${rotations}\n`);
  process.kill(process.pid, 'SIGKILL');
  for (;;);
}

fs.openSync = (path, ...rest) => {
  const fd = openSync(path, ...rest);
  if (TMP.test(String(path))) tmpFds.add(fd);
  return fd;
};
// The rotation's bytes go through writeSync or writeFileSync on the temporary file's descriptor.
function rotationWrite(fd, data) {
  if (tmpFds.delete(fd) && typeof data === 'string' && Buffer.byteLength(data) >= 1000 && ++rotations === nth) {
    armed = true;
    if (at === 'write') {
      writeSync(fd, data.slice(0, Math.floor(data.length / 2)));
      die();
    }
  }
}
fs.writeSync = (fd, data, ...rest) => {
  rotationWrite(fd, data);
  return writeSync(fd, data, ...rest);
};
fs.writeFileSync = (file, data, ...rest) => {
  if (typeof file === 'number') rotationWrite(file, data);
  else if (TMP.test(String(file)) && typeof data === 'string' && Buffer.byteLength(data) >= 1000 && ++rotations === nth) {
    armed = true;
    if (at === 'write') {
      writeFileSync(file, data.slice(0, Math.floor(data.length / 2)));
      die();
    }
  }
  return writeFileSync(file, data, ...rest);
};
fs.renameSync = (from, to) => {
  if (armed && TMP.test(String(from)) && at === 'rename') die();
  renameSync(from, to);
  if (armed && TMP.test(String(from)) && at === 'renamed') die();
};
syncBuiltinESMExports();
