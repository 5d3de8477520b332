/** @module io — small stream helpers: reading all of stdin, sizes for humans. */
import type { Readable } from 'node:stream'

/**
 * Reads a stream to its end as UTF-8.
 *
 * @example
 * const text = await readAll(process.stdin)
 */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Bytes as a short human string.
 *
 * @example
 * formatBytes(48_000) // '46.9 KiB'
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
