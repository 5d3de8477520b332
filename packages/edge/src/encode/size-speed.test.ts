import { describe, expect, it } from 'vitest'
import { encodeAudio, type ResponseFormat } from './index.ts'
import { speechLike } from './speech-like.ts'

// Sizes are asserted (they follow from the bit rates); times are only printed, because this
// machine is shared and timings there prove nothing.
const EXPECTED_SHARE: Record<Exclude<ResponseFormat, 'wav'>, [number, number]> = {
  pcm: [0.99, 1],
  mp3: [0.08, 0.1], // 32 kbit/s of 384 kbit/s
  opus: [0.045, 0.08], // 24 kbit/s target, VBR, plus Ogg framing
  flac: [0.2, 0.75], // lossless: depends on the signal; speech usually 40–60 %
}

describe('size and speed against WAV', () => {
  for (const seconds of [10, 60]) {
    it(`${seconds} s of speech-like audio`, async () => {
      const pcm = speechLike(seconds, 24000, seconds)
      const audio = { sampleRate: 24000, channels: 1 }
      // Warm-up: the first use of each codec instantiates its wasm.
      for (const format of ['mp3', 'opus'] as const) {
        await encodeAudio(pcm.subarray(0, 4800), { ...audio, format })
      }
      const wav = await encodeAudio(pcm, { ...audio, format: 'wav' })
      const lines = [`${seconds} s: wav ${wav.length} B`]
      for (const format of ['pcm', 'mp3', 'opus', 'flac'] as const) {
        const started = performance.now()
        const bytes = await encodeAudio(pcm, { ...audio, format })
        const ms = performance.now() - started
        const share = bytes.length / wav.length
        lines.push(
          `${format} ${bytes.length} B = ${(share * 100).toFixed(1)} % of wav, ` +
            `${ms.toFixed(0)} ms (${((seconds * 1000) / Math.max(ms, 1)).toFixed(0)}× real time)`,
        )
        const [low, high] = EXPECTED_SHARE[format]
        expect(share).toBeGreaterThan(low)
        expect(share).toBeLessThan(high)
      }
      console.log(lines.join('\n  '))
    })
  }
})
