/**
 * @module bench/lang-contenders — the language detectors `lang.bench.ts` compares (ours, eld
 * in four sizes, franc-min, tinyld), each restricted to XTTS's 17 languages and mapped onto
 * XTTS's codes, with the module source that times a fresh start-up.
 */
import { XTTS_LANGUAGES, type XttsLanguage } from '../src/lang/index.ts'

/** A detector under test: text in, an XTTS language code (or anything else: a miss) out. */
export type Detect = (text: string) => string

/** One library in the comparison. */
export interface Contender {
  name: string
  /** Module source that imports the library and defines `detect`; run fresh for start-up time. */
  init: string
  setup(): Promise<Detect>
}

const ISO1 = XTTS_LANGUAGES.map((l) => (l === 'zh-cn' ? 'zh' : l))
const ISO3: Record<string, XttsLanguage> = {
  eng: 'en',
  spa: 'es',
  fra: 'fr',
  deu: 'de',
  ita: 'it',
  por: 'pt',
  pol: 'pl',
  tur: 'tr',
  rus: 'ru',
  nld: 'nl',
  ces: 'cs',
  arb: 'ar',
  cmn: 'zh-cn',
  jpn: 'ja',
  hun: 'hu',
  kor: 'ko',
  hin: 'hi',
}
const fromIso1 = (code: string): string => (code === 'zh' ? 'zh-cn' : code)

const eldSize = (size: string): Contender => ({
  name: `eld-${size}`,
  init: `const { eld } = await import('eld/${size}'); eld.setLanguageSubset(${JSON.stringify(ISO1)}); eld.detect('Guten Morgen')`,
  async setup() {
    const { eld } = (await import(`eld/${size}`)) as {
      eld: { setLanguageSubset(l: string[]): unknown; detect(t: string): { language: string } }
    }
    const instance = eld
    instance.setLanguageSubset(ISO1)
    return (text) => fromIso1(instance.detect(text).language)
  },
})

/** The detectors the benchmark compares, each restricted to XTTS's 17 languages. */
export const contenders: Contender[] = [
  {
    name: 'tts-core',
    init: `const m = await import(${JSON.stringify(new URL('../src/lang/index.ts', import.meta.url).href)}); await m.detectLanguage('Guten Morgen')`,
    async setup() {
      const { detectLanguageSync, initLanguageDetector } = await import('../src/lang/index.ts')
      await initLanguageDetector()
      return (text) => detectLanguageSync(text).language
    },
  },
  eldSize('large'),
  eldSize('medium'),
  eldSize('small'),
  eldSize('extrasmall'),
  {
    name: 'franc-min',
    init: `const { franc } = await import('franc-min'); franc('Guten Morgen', { only: ${JSON.stringify(Object.keys(ISO3))}, minLength: 1 })`,
    async setup() {
      const { franc } = await import('franc-min')
      const only = Object.keys(ISO3)
      return (text) => ISO3[franc(text, { only, minLength: 1 })] ?? 'und'
    },
  },
  {
    name: 'tinyld',
    init: `const { detect } = await import('tinyld'); detect('Guten Morgen', { only: ${JSON.stringify(ISO1)} })`,
    async setup() {
      const { detect } = await import('tinyld')
      return (text) => fromIso1(detect(text, { only: ISO1 }))
    },
  },
  {
    name: 'tinyld-heavy',
    init: `const { detect } = await import('tinyld/heavy'); detect('Guten Morgen', { only: ${JSON.stringify(ISO1)} })`,
    async setup() {
      const { detect } = await import('tinyld/heavy')
      return (text) => fromIso1(detect(text, { only: ISO1 }))
    },
  },
]
