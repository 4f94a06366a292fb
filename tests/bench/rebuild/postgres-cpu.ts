import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU seconds used so far by the PostgreSQL server processes on this machine (backends, background
 * processes, and backends that already exited, through the postmaster's reaped-children counters), read
 * from /proc. Undefined when the server is not local or /proc is not there (another OS, a container).
 */
export const postgresCpuSeconds = (): number | undefined => {
  let processes: Array<{ pid: number; ppid: number; own: number; reaped: number }>;
  try {
    processes = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .flatMap((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name !== 'postgres') return [];
          // Fields after the name: state ppid … utime(14) stime(15) cutime(16) cstime(17), counted from 1.
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return [{ pid: Number(pid), ppid: Number(fields[1]), own: Number(fields[11]) + Number(fields[12]), reaped: Number(fields[13]) + Number(fields[14]) }];
        } catch {
          return []; // exited while we looked
        }
      });
  } catch {
    return undefined;
  }
  if (processes.length === 0) return undefined;
  const pids = new Set(processes.map((process) => process.pid));
  const postmasters = processes.filter((process) => !pids.has(process.ppid));
  const ticks = processes.reduce((sum, process) => sum + process.own, 0) + postmasters.reduce((sum, process) => sum + process.reaped, 0);
  return ticks / TICKS_PER_SECOND;
};
