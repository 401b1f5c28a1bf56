// CPU seconds a process has used so far (Linux /proc; NaN elsewhere). On shared
// cores, CPU per request is far steadier than requests per second.
import { readFileSync } from 'node:fs';

export function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
