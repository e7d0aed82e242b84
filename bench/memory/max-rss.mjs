// Preloaded into each measured command (node --import): writes the process's peak RSS (kB) to
// $BENCH_MAX_RSS_FILE on exit, so the bench reads the true high-water mark, not a poll's sample.
import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  if (process.env.BENCH_MAX_RSS_FILE) writeFileSync(process.env.BENCH_MAX_RSS_FILE, String(process.resourceUsage().maxRSS));
});
