// One timed run of `masb compute`, in its own process so that its peak RSS is its own.
//
//   node bench/child.mjs <result.json> compute <extract> [masb options…]
//
// Runs the real CLI (dist/cli.js) in this process and writes a JSON summary to <result.json>:
// the time to the last per-file summary line (everything read and aggregated), the total,
// the time at which each file's summary line came (in one thread the files are read one after
// the other, so the differences are each file's reading time), the rows read, the results,
// the CPU time and the peak RSS of the process (workers included: threads share it).
import { readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { main } from '../dist/cli.js';

const [out, ...args] = process.argv.slice(2);

/**
 * This process's own peak RSS in MiB (threads included: they share it). On Linux, VmHWM of
 * /proc/self/status: getrusage's maxRSS is carried across execve, so a child spawned by the
 * bench after DuckDB ran in the bench's process reported the bench's ~740 MB as their own.
 */
function peakRssMb() {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}
const num = (s) => Number(s.replaceAll(',', ''));
const FILE_LINE = /^(\S+)\s+(\S+)\s+leídos\s+([\d,]+)\s+aceptados\s+([\d,]+)\s+rechazados\s+([\d,]+)/;
let stderr = '';
let pending = '';
const files = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const code = await main(['node', 'masb', ...args], {
  stdout: new Writable({ write(_c, _e, cb) { cb(); } }),
  stderr: new Writable({
    write(chunk, _e, cb) {
      const now = performance.now();
      const s = String(chunk);
      stderr += s;
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const m = FILE_LINE.exec(line);
        if (m) files.push({ source: m[1], file: m[2], read: num(m[3]), accepted: num(m[4]), rejected: num(m[5]), at_s: (now - t0) / 1000 });
      }
      cb();
    },
  }),
});
const t1 = performance.now();
const cpu = process.cpuUsage(cpu0);
const summary = /(\d[\d,]*) indicadores, (\d[\d,]*) resultados/.exec(stderr);
writeFileSync(out, JSON.stringify({
  code,
  total_s: (t1 - t0) / 1000,
  ingest_s: (files.length ? files[files.length - 1].at_s : (t1 - t0) / 1000),
  files,
  indicators: summary ? num(summary[1]) : 0,
  results: summary ? num(summary[2]) : 0,
  cpu_s: (cpu.user + cpu.system) / 1e6,
  peak_rss_mb: peakRssMb(),
  stderr: code === 0 ? undefined : stderr.slice(-4000),
}));
process.exit(0);
