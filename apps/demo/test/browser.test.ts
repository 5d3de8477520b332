/**
 * The demo in real Chromium against the whole local stack (emulator, edge under wrangler dev,
 * Vite), all on run-time ports with temporary storage and secrets: first play from the edge, the
 * second from a cache and faster, the device voice when the emulator is down with the breaker
 * open, the edge again after recovery, and Stop. A screenshot of each state goes to
 * test-results/.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { uniqueSentence } from '@tts/core/testing'
import type { BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { launchChromium } from '../../../scripts/chromium.mjs'
import {
  chromiumAvailable,
  field,
  lineBuffer,
  parseShownMs,
  type Stack,
  startStack,
  tempDir,
} from './helpers.ts'

const SHOTS = join(import.meta.dirname, '..', 'test-results')
/** The page's breaker; the edge's opens for half as long, so it is ready when the page probes. */
const BREAKER_OPEN_MS = 10_000
const DONE = /^(Done|Stopped|Could not speak)/

describe.runIf(chromiumAvailable())('demo page in Chromium', () => {
  const logs = lineBuffer()
  const stackDir = tempDir('tts-demo-stack-')
  const browserDir = tempDir('tts-demo-chromium-')
  let stack: Stack
  let context: BrowserContext
  let page: Page
  const timings: Record<string, number> = {}

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    stack = await startStack({
      ports: { emulator: 0, edge: 0, demo: 0 },
      demo: true,
      persistTo: join(stackDir.path, 'state'),
      secretsFile: join(stackDir.path, 'dev.vars'),
      emulator: { ttfbMs: 300 },
      // The edge's own upstream breaker recovers as fast as the page's (production: 5 min).
      edgeVars: { POOL_OPTIONS: JSON.stringify({ breakerOpenMs: BREAKER_OPEN_MS / 2 }) },
      log: logs.log,
    })
    context = await launchChromium(browserDir.path, { viewport: { width: 1280, height: 1000 } })
    // Counts Web Audio sources that are scheduled and not yet ended or stopped: streamed audio
    // plays through them, not through the <audio> element, so "stopped" is checked on both.
    await context.addInitScript(() => {
      const probe = { started: 0, live: 0 }
      Object.assign(window, { __audioProbe: probe })
      const proto = AudioBufferSourceNode.prototype
      const { start, stop } = proto
      const done = new WeakSet<AudioBufferSourceNode>()
      const end = (node: AudioBufferSourceNode) => {
        if (done.has(node)) return
        done.add(node)
        probe.live--
      }
      proto.start = function (this: AudioBufferSourceNode, ...args: Parameters<typeof start>) {
        probe.started++
        probe.live++
        this.addEventListener('ended', () => end(this))
        return start.apply(this, args)
      }
      proto.stop = function (this: AudioBufferSourceNode, ...args: Parameters<typeof stop>) {
        end(this)
        return stop.apply(this, args)
      }
    })
    page = context.pages()[0] ?? (await context.newPage())
    page.on('pageerror', (error) => logs.log('page', `uncaught: ${error.message}`))
    // A first synthesis warms the worker (module load, pool object, adapter detection), so the
    // page's first play measures synthesis, not start-up; the longer edge timeout keeps a loaded
    // machine from turning a slow first answer into a fallback.
    await fetch(`${stack.urls.edge}/v1/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'xtts-v2', input: uniqueSentence('Warm up'), voice: 'alloy' }),
    }).then((res) => res.arrayBuffer())
  })

  const demoUrl = () =>
    `${stack.urls.demo}/?breakerThreshold=2&breakerOpenMs=${BREAKER_OPEN_MS}&timeoutMs=15000`

  // Each test starts as a first visit: the emulator healthy, the edge ready (its breaker closed
  // again after another test's outage), and the page with no cache, breaker state, queued text
  // or metrics left by another test; so every test holds in whatever order it runs.
  beforeEach(async () => {
    const faults = await fetch(`${stack.urls.emulator}/__faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ down: false, hang: false, errorRate: 0 }),
    })
    expect(faults.ok).toBe(true)
    await faults.arrayBuffer()
    await edgeReady()
    await page.setViewportSize({ width: 1280, height: 1000 })
    const cdp = await context.newCDPSession(page)
    await cdp.send('Storage.clearDataForOrigin', {
      origin: new URL(stack.urls.demo as string).origin,
      storageTypes: 'all',
    })
    await cdp.detach()
    await page.goto(demoUrl())
    await expect.poll(() => field(page, '#ready', 'status'), { timeout: 30_000 }).toMatch(/^ok/)
  })

  /** Waits until the edge's /readyz says an upstream serves (its breaker closed). */
  async function edgeReady(): Promise<void> {
    await expect
      .poll(
        async () => {
          const res = await fetch(`${stack.urls.edge}/readyz`)
          await res.arrayBuffer()
          return res.status
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe(200)
  }

  /** Takes the emulator down through the page's switch and speaks until the breaker opens. */
  async function outage(): Promise<void> {
    await page.getByRole('radio', { name: /^Down/ }).check()
    await expect.poll(() => page.textContent('#faults-status')).toBe('Emulator: down.')
    for (const [i, text] of [
      uniqueSentence('The first sentence while the server is down'),
      uniqueSentence('And a second one'),
    ].entries()) {
      const outcome = await play(text)
      expect(outcome, logs.text()).toMatch(/^Done: device voice/)
      expect(await field(page, '#last', 'provider')).toMatch(
        /^device voice \((espeak-ng|Web Speech)/,
      )
      expect(await field(page, '#last', 'cache')).toBe('— (device)')
      timings[`device${i + 1}`] = parseShownMs(await field(page, '#last', 'latency'))
    }
    await expect.poll(() => field(page, '#metrics', 'breaker')).toMatch(/^open/)
  }

  afterAll(async () => {
    await context?.close()
    await stack?.stop()
    stackDir.remove()
    browserDir.remove()
    if (Object.keys(timings).length) console.info('demo timings (ms):', JSON.stringify(timings))
  })

  /** Fills the text box, presses Play, waits for the outcome; returns the status line. */
  async function play(text: string): Promise<string> {
    await page.fill('#text', text)
    await page.click('#play')
    await page.waitForFunction(
      (re) => new RegExp(re).test(document.querySelector('#status')?.textContent ?? ''),
      DONE.source,
      { timeout: 90_000 },
    )
    return (await page.textContent('#status')) ?? ''
  }

  const shot = (name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })

  it('loads with the edge ready and detects the language as you type, Arabic shown right-to-left', async () => {
    await expect.poll(() => field(page, '#ready', 'status'), { timeout: 30_000 }).toMatch(/^ok/)
    // The edge shows upstream details to admin keys only: the page gets them through its dev
    // server (which holds the key), named as X-TTS-Upstream names them.
    expect(await page.textContent('#ready')).toMatch(
      /Upstream.*default: http.*Edge breaker\s*closed/s,
    )
    await page.getByRole('button', { name: 'العربية' }).click()
    await expect
      .poll(() => page.textContent('#detected'), { timeout: 30_000 })
      .toMatch(/Arabic \(ar\)/)
    expect(await page.$eval('#text', (el) => el.matches(':dir(rtl)'))).toBe(true)
    await shot('01a-arabic-right-to-left')
    await page.getByRole('button', { name: 'Français' }).click()
    await expect
      .poll(() => page.textContent('#detected'), { timeout: 30_000 })
      .toMatch(/French \(fr\)/)
    // Calibrated: an obviously French sentence reads as sure, not as "confidence 16 %".
    expect(await page.textContent('#detected')).toMatch(/French \(fr\), detected \(sure, 9\d %\)/)
    expect(await page.$eval('#text', (el) => el.matches(':dir(ltr)'))).toBe(true)
    expect(await page.getByLabel('Text').getAttribute('id')).toBe('text')
    await shot('01b-ready-french-detected')
  })

  it('plays French from the edge (MISS), then again from a cache, faster', async () => {
    const french = uniqueSentence('Bonjour à tous, la synthèse vocale fonctionne même hors ligne')
    expect(await play(french), logs.text()).toMatch(/^Done/)
    expect(await field(page, '#last', 'provider')).toBe('edge')
    expect(await field(page, '#last', 'cache')).toBe('MISS')
    expect(await field(page, '#last', 'language')).toBe('French (fr)')
    expect(await field(page, '#last', 'duration')).toMatch(/\d (ms|s)$/)
    // Streamed through Web Audio: the time from Play to the first audible sample is shown.
    expect(await field(page, '#last', 'firstAudio')).toMatch(/\d (ms|s)$/)
    timings.firstPlay = parseShownMs(await field(page, '#last', 'latency'))
    await shot('02-edge-miss')

    expect(await play(french)).toMatch(/^Done/)
    const provider = await field(page, '#last', 'provider')
    const cache = await field(page, '#last', 'cache')
    expect(provider === 'local cache' || (provider === 'edge' && cache === 'HIT')).toBe(true)
    timings.cachedPlay = parseShownMs(await field(page, '#last', 'latency'))
    expect(timings.cachedPlay).toBeLessThan(timings.firstPlay)
    expect(await field(page, '#metrics', 'hitRate')).toMatch(/^50 %/)
    await shot('03-cached')
  })

  it('holds no API key: it plays with a browser token its dev server minted', async () => {
    const auth: Promise<string>[] = []
    const onRequest = (r: Request) => {
      if (r.url().startsWith(`${stack.urls.edge}/v1/audio/speech`))
        auth.push(r.allHeaders().then((h) => h.authorization ?? 'none'))
    }
    page.on('request', onRequest)
    expect(await play(uniqueSentence('A token, not a key')), logs.text()).toMatch(/^Done/)
    page.off('request', onRequest)
    const sent = await Promise.all(auth)
    expect(sent.length).toBeGreaterThan(0)
    // Booleans, so a failure never prints a credential.
    expect(sent.every((a) => a.startsWith('Bearer ttsb1.'))).toBe(true)
    expect((await page.content()).includes(stack.apiKey as string)).toBe(false)
  })

  it('speaks on the device when the emulator is down, and the breaker opens', async () => {
    await outage()
    // Both plays of this fresh page went to the device voice.
    expect(await field(page, '#metrics', 'fallbackRate')).toBe('100 %')
    // The edge's view: a failed probe (unhealthy) or its own breaker counting the failures.
    await expect
      .poll(() => page.textContent('#ready'), { timeout: 30_000 })
      .toMatch(/unhealthy|failures? in a row|open/)
    await shot('04-device-voice-breaker-open')
  })

  it('goes back to the edge once the emulator recovers and the breaker lets a probe through', async () => {
    await outage()
    await page.getByRole('radio', { name: /^Healthy/ }).check()
    await expect.poll(() => page.textContent('#faults-status')).toBe('Emulator: healthy.')
    // Both breakers (the page's, the edge's) must let a probe through: wait for each to say so
    // (the page's panel reads its breaker every second; /readyz is the edge's).
    await expect
      .poll(() => field(page, '#metrics', 'breaker'), { timeout: BREAKER_OPEN_MS * 3 })
      .toMatch(/^half-open/)
    await edgeReady()
    const outcome = await play(uniqueSentence('The server is back, this comes from the edge again'))
    expect(outcome, logs.text()).toMatch(/^Done: edge/)
    expect(await field(page, '#last', 'provider')).toBe('edge')
    expect(await field(page, '#last', 'cache')).toBe('MISS')
    await expect.poll(() => field(page, '#metrics', 'breaker')).toMatch(/^closed/)
    await expect.poll(() => field(page, '#ready', 'status'), { timeout: 30_000 }).toMatch(/^ok/)
    await shot('05-recovered-edge')
  })

  it('stops what is playing', async () => {
    const long = uniqueSentence(
      'This is a longer sentence, so that there is time to press stop while it plays. ' +
        'It goes on for a while longer, and then some more, until the listener has had enough',
    )
    await page.fill('#text', long)
    await page.click('#play')
    await page.waitForFunction(
      () => document.querySelector('#status')?.textContent === 'Playing…',
      null,
      {
        timeout: 90_000,
      },
    )
    // Something is audible before Stop: a Web Audio source (streamed) or the element.
    const playingNow = () =>
      page.evaluate(() => {
        const probe = (window as unknown as { __audioProbe: { started: number; live: number } })
          .__audioProbe
        const el = document.querySelector('#player') as HTMLAudioElement
        return { ...probe, element: !el.paused, time: el.currentTime }
      })
    await expect
      .poll(async () => {
        const now = await playingNow()
        return now.live > 0 || now.element
      })
      .toBe(true)
    await page.getByRole('button', { name: 'Stop' }).click()
    await expect.poll(() => page.textContent('#status')).toBe('Stopped.')
    await expect.poll(async () => (await playingNow()).live).toBe(0)
    const before = await playingNow()
    // Left on purpose: a second of real playback time is what would reveal audio that goes on.
    await page.waitForTimeout(1000)
    const after = await playingNow()
    expect(after).toEqual({ ...before, live: 0, element: false })
    expect(await page.isDisabled('#stop')).toBe(true)
    await shot('06-stopped')

    // The keyboard does the same: Ctrl+Enter in the text box plays, Escape stops.
    await page.focus('#text')
    await page.keyboard.press('Control+Enter')
    await page.waitForFunction(
      () => document.querySelector('#status')?.textContent === 'Playing…',
      null,
      {
        timeout: 90_000,
      },
    )
    await page.keyboard.press('Escape')
    await expect.poll(() => page.textContent('#status')).toBe('Stopped.')
    expect(await page.$eval('#player', (el) => (el as HTMLAudioElement).paused)).toBe(true)
  })

  it('stays usable on a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    )
    expect(overflow).toBeLessThanOrEqual(0)
    await shot('07-mobile')
  })

  it('sends the speed and pitch sliders to the edge, which answers them (issue 15)', async () => {
    const bodies: Record<string, unknown>[] = []
    const onRequest = (request: import('playwright-core').Request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/v1/audio/speech')
        bodies.push(JSON.parse(request.postData() ?? '{}') as Record<string, unknown>)
    }
    page.on('request', onRequest)
    const slide = (id: string, value: string) =>
      page.$eval(
        id,
        (el, v) => {
          const input = el as HTMLInputElement
          input.value = v
          input.dispatchEvent(new Event('input', { bubbles: true }))
        },
        value,
      )
    try {
      await slide('#speed', '0.55')
      await slide('#pitch', '1.3')
      expect(await page.textContent('#pitch-value')).toBe('1.30')
      const text = `Slower and higher, ${crypto.randomUUID()}.`
      expect(await play(text), logs.text()).toMatch(/^Done/)
      expect(await field(page, '#last', 'provider')).toBe('edge')
      expect(bodies.at(-1)).toMatchObject({ input: text, speed: 0.55, pitch: 1.3 })
    } finally {
      page.off('request', onRequest)
      await slide('#speed', '1')
      await slide('#pitch', '1')
    }
  })
})
