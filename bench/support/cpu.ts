// CPU seconds a process has used so far (Linux /proc; NaN elsewhere). On shared
// cores, CPU per request is far steadier than requests per second.
import { readdirSync, readFileSync } from 'node:fs';

export function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds used so far by every process of a name (PostgreSQL's backends, WAL
 * writer and checkpointer are all `postgres`): the database's own share of a
 * run, on the same cores as the servers. A process that exits in between takes
 * its seconds with it, so measure across pooled connections that stay open.
 */
export function cpuSecondsOf(command: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== command) continue;
      total += cpuSeconds(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}
