/**
 * @module machine — what a result must name to be read fairly: cores, CPU model, memory, OS,
 * Node version and the load on the machine when the run started (the box is shared).
 */
import { cpus, freemem, loadavg, release, totalmem } from 'node:os'

/** The machine facts stored with every result. */
export interface MachineFacts {
  cores: number
  cpuModel: string
  memoryGiB: number
  freeMemoryGiB: number
  os: string
  node: string
  loadAverage1m: number
}

/**
 * @example
 * const facts = machineFacts()
 */
export function machineFacts(): MachineFacts {
  const list = cpus()
  const gib = (b: number) => Math.round((b / 2 ** 30) * 10) / 10
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: gib(totalmem()),
    freeMemoryGiB: gib(freemem()),
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  }
}
