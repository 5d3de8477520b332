import { describe, expect, it } from 'vitest'
import {
  breakerLabel,
  cacheLabel,
  confidenceLabel,
  formatMs,
  formatRate,
  languageLabel,
  providerLabel,
  providerShortLabel,
} from './index.ts'

describe('format', () => {
  it('names every provider the way the page promises', () => {
    expect(providerLabel('edge')).toBe('edge')
    expect(providerLabel('cache')).toBe('local cache')
    expect(providerLabel('local', 'espeak')).toMatch(/^device voice .*espeak/)
    expect(providerLabel('local', 'web-speech')).toMatch(/^device voice .*Web Speech/)
    expect(providerLabel('local')).toBe('device voice')
    expect(providerShortLabel('cache')).toBe('local cache')
    expect(providerShortLabel('local', 'espeak')).toBe('device: espeak-ng')
    expect(providerShortLabel('local', 'web-speech')).toBe('device: Web Speech')
  })

  it('shows the edge verdict as the header spells it and explains its absence', () => {
    expect(cacheLabel('edge', 'miss')).toBe('MISS')
    expect(cacheLabel('edge', 'coalesced')).toBe('COALESCED')
    expect(cacheLabel('cache', 'hit')).toBe('— (local cache)')
    expect(cacheLabel('local', 'none')).toBe('— (device)')
  })

  it('formats durations and rates without false precision', () => {
    expect(formatMs(83.6)).toBe('84 ms')
    expect(formatMs(1240)).toBe('1.24 s')
    expect(formatMs(undefined)).toBe('—')
    expect(formatMs(Number.NaN)).toBe('—')
    expect(formatRate(0.333, 3)).toBe('33 %')
    expect(formatRate(0, 0)).toBe('—')
  })

  it('names languages and breaker states', () => {
    expect(languageLabel('fr')).toBe('French (fr)')
    expect(confidenceLabel(0.97)).toBe('sure, 97 %')
    expect(confidenceLabel(0.75)).toBe('likely, 75 %')
    expect(confidenceLabel(0.16)).toBe('a guess, 16 %')
    expect(languageLabel('zh-cn')).toBe('Chinese (zh-cn)')
    expect(languageLabel('xx')).toBe('xx')
    for (const s of ['closed', 'open', 'half-open']) expect(breakerLabel(s)).toMatch(`${s} — `)
  })
})
