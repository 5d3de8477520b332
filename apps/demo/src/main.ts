/**
 * @module main — the demo page: @tts/client in the browser against the local edge. Play speaks
 * through the client (edge → local cache → device voice); each utterance's provider, cache
 * verdict, language, latency and duration are shown as they become known, and the live panel
 * follows the client's metrics, its breaker and the edge's `/readyz`.
 */
import {
  type AudioFormat,
  createTtsClient,
  isAbortedError,
  webAudioStreamPlayer,
  webSpeechEngine,
} from '@tts/client'
import { espeakEngine } from '@tts/client/espeak'
import { detectLanguage } from '@tts/core/lang'
import { readDemoConfig } from './config/index.ts'
import { mountFaultsCard } from './faults/card.ts'
import {
  cacheLabel,
  confidenceLabel,
  formatMs,
  languageLabel,
  providerLabel,
  providerShortLabel,
} from './format/index.ts'
import { createLatencyWindow, refreshReady, renderMetrics, setField } from './live/index.ts'
import { gestureAudioContext } from './player/context.ts'
import { elementPlayer } from './player/index.ts'
import { SAMPLES } from './samples/index.ts'

const $ = <T extends Element>(selector: string) => {
  const el = document.querySelector<T>(selector)
  if (!el) throw new Error(`the page has no ${selector}`)
  return el
}

const config = readDemoConfig(import.meta.env, location.search)
const form = $<HTMLFormElement>('#speak-form')
const text = $<HTMLTextAreaElement>('#text')
const voice = $<HTMLSelectElement>('#voice')
const speed = $<HTMLInputElement>('#speed')
const pitch = $<HTMLInputElement>('#pitch')
const format = $<HTMLSelectElement>('#format')
const playButton = $<HTMLButtonElement>('#play')
const stopButton = $<HTMLButtonElement>('#stop')
const status = $('#status')
const last = $('#last')
const history = $('#history tbody')
const metricsList = $('#metrics')
const readyList = $('#ready')

/** The X-TTS-Cache header of the edge's latest speech answer, read off the client's fetch. */
let lastEdgeCache = ''
const recordingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init)
  const url = input instanceof Request ? input.url : String(input)
  if (url.includes('/v1/audio/speech')) lastEdgeCache = res.headers.get('x-tts-cache') ?? ''
  return res
}

// Built here rather than in the HTML: the transcript of every clip is the text box itself, and
// an audio element has no surface to show captions on.
const audio = document.createElement('audio')
audio.id = 'player'
audio.preload = 'none'
$('.speak').append(audio)

let currentRow: HTMLTableRowElement | undefined
const player = elementPlayer(audio, ({ durationMs }) => {
  const shown = formatMs(durationMs)
  setField(last, 'duration', shown)
  if (currentRow?.cells[5]) currentRow.cells[5].textContent = shown
  setStatus('Playing…')
})

// The client streams WAV/PCM into this context as the edge sends it; `<audio>` plays mp3/opus.
const contextInGesture = gestureAudioContext()

const client = createTtsClient({
  endpoint: config.endpoint,
  streamPlayer: webAudioStreamPlayer({ context: contextInGesture }),
  // A short-lived token from the dev server (or the app's own server), never an API key.
  ...(config.tokenUrl ? { getToken: () => fetchToken(config.tokenUrl as string) } : {}),
  breaker: config.breaker,
  // The page's languages are a prior for 'auto' (edge and device voice alike).
  languageHint: navigator.languages,
  ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
  player: player.play,
  fetch: recordingFetch,
  // The edge knows OpenAI's voice names and XTTS speakers; the client's own default ('default')
  // is neither.
  voice: 'alloy',
  // The device's own voices first; espeak-ng (loaded only if needed) where there are none.
  fallback: [webSpeechEngine(), espeakEngine({ dataUrl: '/espeak-ng.data' })],
})

async function fetchToken(url: string): Promise<{ token: string }> {
  const res = await fetch(url, { method: 'POST' })
  if (!res.ok) throw new Error(`the token route answered ${res.status}`)
  return (await res.json()) as { token: string }
}

function setStatus(message: string) {
  status.textContent = message
}

const latencies = createLatencyWindow()
const refreshMetrics = () =>
  renderMetrics(metricsList, client.metrics.snapshot(), client.breaker.state, latencies)

client.on('provider', (e) => {
  latencies.add(e.latencyMs)
  const cache =
    e.provider === 'edge'
      ? lastEdgeCache || '(header not readable)'
      : cacheLabel(e.provider, e.provider === 'cache' ? 'hit' : 'none')
  const values = {
    provider: providerLabel(e.provider, e.engine),
    cache,
    language: languageLabel(e.language),
    latency: formatMs(e.latencyMs),
    duration:
      e.provider === 'local' && e.engine === 'web-speech' ? 'n/a (spoken by the device)' : '…',
  }
  for (const [k, v] of Object.entries(values)) setField(last, k, v)
  last.setAttribute('data-provider', e.provider)
  currentRow = addHistoryRow([
    text.value.trim(),
    providerShortLabel(e.provider, e.engine),
    e.provider === 'edge' ? cache : '—',
    e.language,
    values.latency,
    values.duration === '…' ? '…' : '—',
    '…',
  ])
  refreshMetrics()
})
// From Play to the first audible sample, as the player measured it (not the request's time).
client.on('playing', (e) => {
  const shown = formatMs(e.firstAudioMs)
  setField(last, 'firstAudio', shown)
  if (currentRow?.cells[6]) currentRow.cells[6].textContent = shown
  setStatus('Playing…')
})
client.on('fallback', (e) => setStatus(`${e.message}.`))
client.on('breaker', () => {
  refreshMetrics()
  void refreshReady(readyList, config.readyUrl)
})

function addHistoryRow(cells: string[]): HTMLTableRowElement {
  const row = document.createElement('tr')
  for (const [i, value] of cells.entries()) {
    const td = document.createElement('td')
    td.textContent = value
    if (i === 0) td.dir = 'auto'
    row.append(td)
  }
  history.prepend(row)
  while (history.children.length > 10) history.lastElementChild?.remove()
  return row
}

form.addEventListener('submit', (event) => {
  event.preventDefault()
  void play()
})

async function play() {
  const input = text.value.trim()
  if (!input) {
    setStatus('Type some text first.')
    text.focus()
    return
  }
  player.unlock()
  contextInGesture()
  setField(last, 'firstAudio', '…')
  stopButton.disabled = false
  form.setAttribute('aria-busy', 'true')
  setStatus('Synthesizing…')
  try {
    const result = await client.speak(input, {
      voice: voice.value,
      speed: Number(speed.value),
      pitch: Number(pitch.value),
      format: format.value as AudioFormat,
    })
    if (result.playback) {
      // Streamed: the length is known once the last sample was scheduled.
      const shown = formatMs((result.playback.sourceFrames / result.playback.sourceRate) * 1000)
      setField(last, 'duration', shown)
      if (currentRow?.cells[5]) currentRow.cells[5].textContent = shown
    }
    const first =
      result.firstAudioMs === undefined
        ? ''
        : `, first audio after ${formatMs(result.firstAudioMs)}`
    setStatus(
      `Done: ${providerLabel(result.provider, result.engine)} in ${formatMs(result.latencyMs)}${first}.`,
    )
  } catch (error) {
    if (isAbortedError(error)) setStatus('Stopped.')
    else setStatus(`Could not speak: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    form.removeAttribute('aria-busy')
    stopButton.disabled = true
    refreshMetrics()
  }
}

text.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault()
    form.requestSubmit()
  }
})
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !stopButton.disabled) stopButton.click()
})

stopButton.addEventListener('click', () => {
  client.stop()
  setStatus('Stopped.')
  playButton.focus()
})

for (const sample of SAMPLES) {
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'sample'
  button.lang = sample.language
  button.textContent = sample.label
  button.addEventListener('click', () => {
    text.value = sample.text
    text.dispatchEvent(new Event('input'))
    text.focus()
  })
  $('#samples').append(button)
}

let detectTimer: ReturnType<typeof setTimeout> | undefined
let detectRun = 0
const detected = $('#detected')
text.addEventListener('input', () => {
  clearTimeout(detectTimer)
  detectTimer = setTimeout(async () => {
    const run = ++detectRun
    const value = text.value.trim()
    if (!value) {
      detected.textContent = 'Language: type some text'
      return
    }
    const { language, confidence } = await detectLanguage(value, {
      languageHint: navigator.languages,
    })
    if (run !== detectRun) return
    const how = voice.value === 'auto' ? 'detected' : 'detected, sent with the chosen voice'
    detected.textContent = `Language: ${languageLabel(language)}, ${how} (${confidenceLabel(confidence)})`
    detected.setAttribute('data-language', language)
  }, 200)
})
voice.addEventListener('change', () => text.dispatchEvent(new Event('input')))

speed.addEventListener('input', () => {
  $('#speed-value').textContent = `${Number(speed.value).toFixed(2)}×`
})
pitch.addEventListener('input', () => {
  $('#pitch-value').textContent = Number(pitch.value).toFixed(2)
})

if (config.faults) {
  mountFaultsCard($<HTMLElement>('#faults-card'), $('#faults-status'), () => {
    void refreshReady(readyList, config.readyUrl)
  })
}

setField(
  metricsList,
  'breakerRule',
  `opens after ${config.breaker.threshold ?? 5} failures in a row, for ${(config.breaker.openMs ?? 300_000) / 1000} s`,
)
refreshMetrics()
void refreshReady(readyList, config.readyUrl)
setInterval(refreshMetrics, 1000)
setInterval(() => void refreshReady(readyList, config.readyUrl), 5000)
