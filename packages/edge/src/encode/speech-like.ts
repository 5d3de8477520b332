/**
 * @module encode/speech-like — a deterministic speech-like test signal: voiced syllables
 * (a gliding fundamental with formant-shaped harmonics) under a syllable-rate envelope, short
 * noisy consonants and pauses. Real speech is not needed to test codecs and muxers, and this
 * keeps the encoder tests free of a synthesizer.
 */

/**
 * `seconds` of mono 16-bit speech-like audio at `sampleRate`.
 *
 * @example
 * const pcm = speechLike(10, 24000)
 */
export function speechLike(seconds: number, sampleRate: number, seed = 1): Int16Array {
  const n = Math.round(seconds * sampleRate)
  const out = new Int16Array(n)
  let state = seed >>> 0 || 1
  const noise = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 0x80000000 - 1
  }
  const formants = [700, 1200, 2600]
  const nyquist = Math.min(4000, sampleRate / 2)
  // Harmonic weights follow the formants; f0 moves slowly, so they are updated every 5 ms.
  const block = Math.max(1, Math.round(sampleRate / 200))
  let weights: number[] = []
  let phase = 0
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate
    const syllable = (t * 4) % 1 // four syllables a second
    const inPause = Math.floor(t / 1.5) % 3 === 2 && t % 1.5 < 0.35 // a pause now and then
    const f0 = 110 + 40 * Math.sin(2 * Math.PI * 0.7 * t) + 20 * syllable
    if (i % block === 0) {
      weights = []
      for (let h = 1; h * f0 < nyquist; h++) {
        let gain = 0
        for (const f of formants) gain += Math.exp(-(((h * f0 - f) / 200) ** 2))
        weights.push((0.3 + gain) / h)
      }
    }
    phase += (2 * Math.PI * f0) / sampleRate
    let voiced = 0
    for (let h = 0; h < weights.length; h++) voiced += (weights[h] ?? 0) * Math.sin((h + 1) * phase)
    const vowel = Math.sin(Math.PI * Math.min(1, syllable / 0.8)) ** 2
    const consonant = syllable > 0.85 ? 0.25 * noise() : 0
    const sample = inPause ? 0.002 * noise() : 0.35 * vowel * voiced + consonant
    out[i] = Math.max(-32768, Math.min(32767, Math.round(sample * 12000)))
  }
  return out
}
