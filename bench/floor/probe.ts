/**
 * Preloaded (`node --import …/probe.js`) into every process the side-by-side benchmark measures: the bridge,
 * the bare proxy and the stub. It answers the parent's IPC questions with the process's own counters, so CPU
 * time is read by the process under test itself (microseconds, no /proc sampling) and costs nothing between
 * questions. It adds no route, no timer and no work on the request path.
 */
export interface ProbeReading {
  /** process.cpuUsage(): user + system microseconds since start. */
  cpuMicros: number;
  rss: number;
  heapUsed: number;
}

export type ProbeQuestion = { probe: 'read'; gc?: boolean };

if (process.send) {
  process.on('message', (m: unknown) => {
    if (typeof m !== 'object' || m === null || (m as { probe?: unknown }).probe !== 'read') return;
    // Under --expose-gc a full collection first makes RSS/heap readings comparable across samples.
    if ((m as ProbeQuestion).gc) (globalThis as { gc?: () => void }).gc?.();
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const reading: ProbeReading = { cpuMicros: cpu.user + cpu.system, rss: mem.rss, heapUsed: mem.heapUsed };
    process.send?.({ probe: 'reading', reading });
  });
  // The IPC channel must not keep a finished child alive, nor make the parent wait for it.
  process.channel?.unref();
}
