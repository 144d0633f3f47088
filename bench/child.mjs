// One timed run of `masb compute`, in its own process so that its peak RSS is its own.
//
//   node bench/child.mjs <result.json> compute <extract> [masb options…]
//
// Runs the real CLI (dist/cli.js) in this process and writes a JSON summary to <result.json>:
// the time to the last per-file summary line (everything read and aggregated), the total,
// the rows read, the results and the peak RSS of the process (workers included: threads
// share it).
import { readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { main } from '../dist/cli.js';

const [out, ...args] = process.argv.slice(2);

/**
 * This process's own peak RSS in MiB (threads included: they share it). On Linux, VmHWM of
 * /proc/self/status: getrusage's maxRSS is carried across execve, so a child spawned by the
 * bench after DuckDB ran in the bench's process reported the bench's ~740 MB as its own peak.
 */
function peakRssMb() {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}
let stderr = '';
let lastFile = 0;
const t0 = performance.now();
const code = await main(['node', 'masb', ...args], {
  stdout: new Writable({ write(_c, _e, cb) { cb(); } }),
  stderr: new Writable({
    write(chunk, _e, cb) {
      const s = String(chunk);
      if (/ leídos /.test(s)) lastFile = performance.now();
      stderr += s;
      cb();
    },
  }),
});
const t1 = performance.now();
const num = (s) => Number(s.replaceAll(',', ''));
const files = [...stderr.matchAll(/^(\S+)\s+(\S+)\s+leídos\s+([\d,]+)\s+aceptados\s+([\d,]+)\s+rechazados\s+([\d,]+)/gm)]
  .map((m) => ({ source: m[1], file: m[2], read: num(m[3]), accepted: num(m[4]), rejected: num(m[5]) }));
const summary = /(\d[\d,]*) indicadores, (\d[\d,]*) resultados/.exec(stderr);
writeFileSync(out, JSON.stringify({
  code,
  total_s: (t1 - t0) / 1000,
  ingest_s: ((lastFile || t1) - t0) / 1000,
  files,
  indicators: summary ? num(summary[1]) : 0,
  results: summary ? num(summary[2]) : 0,
  peak_rss_mb: peakRssMb(),
  stderr: code === 0 ? undefined : stderr.slice(-4000),
}));
process.exit(0);
