import { describe, expect, it } from 'vitest'
import { createFlight } from './flight.ts'

async function readAll(stream: ReadableStream<Uint8Array>): Promise<number[]> {
  const out: number[] = []
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return out
    out.push(...value)
  }
}

const bytes = (...v: number[]) => new Uint8Array(v)

describe('createFlight', () => {
  it('gives a late listener the bytes produced before it joined, then the rest', async () => {
    const flight = createFlight('k', () => {})
    const early = readAll(flight.listen())
    flight.start({ sampleRate: 24_000, channels: 1, upstream: 'u' })
    flight.push(bytes(1, 2))
    flight.push(bytes(3))
    const late = readAll(flight.listen())
    flight.push(bytes(4, 5))
    flight.end()
    expect(await early).toEqual([1, 2, 3, 4, 5])
    expect(await late).toEqual([1, 2, 3, 4, 5])
    expect(await flight.head).toEqual({ sampleRate: 24_000, channels: 1, upstream: 'u' })
    // Even after the end, a listener gets everything.
    expect(await readAll(flight.listen())).toEqual([1, 2, 3, 4, 5])
  })

  it('errors every listener after the bytes they had, and rejects the head if no audio came', async () => {
    const broken = createFlight('k', () => {})
    const listener = broken.listen()
    broken.start({ sampleRate: 24_000, channels: 1, upstream: 'u' })
    broken.push(bytes(7))
    broken.fail(new Error('cut'))
    const reader = listener.getReader()
    expect((await reader.read()).value).toEqual(bytes(7))
    await expect(reader.read()).rejects.toThrow('cut')

    const never = createFlight('k2', () => {})
    never.fail(new Error('down'))
    await expect(never.head).rejects.toThrow('down')
    expect(never.settled).toBe(true)
  })

  it('tells its owner when the last listener leaves before the end, not before', async () => {
    let abandoned = 0
    const flight = createFlight('k', () => abandoned++)
    const a = flight.listen()
    const b = flight.listen()
    await a.cancel()
    expect(abandoned).toBe(0)
    await b.cancel()
    expect(abandoned).toBe(1)
    expect(flight.listeners).toBe(0)
  })
})
