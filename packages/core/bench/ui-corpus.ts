/**
 * @module bench/ui-corpus — real UI strings in XTTS's 17 languages, read from npm packages
 * (devDependencies; nothing is copied into the repository), split once and for all into a
 * tuning set and a held-out evaluation set:
 *
 * - tuning (`train`): CLDR's localised names of languages, territories, scripts and variants
 *   (`cldr-localenames-full`). Everything the detector tunes — the hint's prior, the Latin
 *   letter rules' weights, the Han character lists' use, the confidence table — is fitted on
 *   these plus the UDHR snippets (bench/udhr-samples.ts).
 * - evaluation (`eval`), never tuned on: CLDR's unit names and patterns (`cldr-units-full`),
 *   date fields, month/day names and relative-time phrases (`cldr-dates-full`), and two apps'
 *   translation files: Uppy's file-upload UI (`@uppy/locales`, all 17) and TinyMCE's editor UI
 *   (`tinymce-i18n`, 16: no Hindi; English comes from its keys).
 *
 * A string spelt the same (case-insensitively) in two languages of one set says nothing about
 * its language ("Bluetooth", "Hotel", "OK"), so it is dropped from that set; the count dropped
 * is reported. Placeholders become the digit 3, HTML tags go.
 */

import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { XTTS_LANGUAGES, type XttsLanguage } from '../src/lang/index.ts'

export interface Sample {
  text: string
  language: XttsLanguage
  source: string
}

const require = createRequire(import.meta.url)
const pkgDir = (name: string) => dirname(require.resolve(`${name}/package.json`))

/** CLDR's locale folder for each XTTS language (`pt` is Brazilian, `zh` Simplified). */
const CLDR: Record<XttsLanguage, string> = Object.fromEntries(
  XTTS_LANGUAGES.map((l) => [l, l === 'zh-cn' ? 'zh' : l]),
) as Record<XttsLanguage, string>

const UPPY: Record<XttsLanguage, string> = {
  en: 'en_US',
  es: 'es_ES',
  fr: 'fr_FR',
  de: 'de_DE',
  it: 'it_IT',
  pt: 'pt_BR',
  pl: 'pl_PL',
  tr: 'tr_TR',
  ru: 'ru_RU',
  nl: 'nl_NL',
  cs: 'cs_CZ',
  ar: 'ar_SA',
  'zh-cn': 'zh_CN',
  hu: 'hu_HU',
  ko: 'ko_KR',
  ja: 'ja_JP',
  hi: 'hi_IN',
}

const TINYMCE: Partial<Record<XttsLanguage, string>> = {
  es: 'es',
  fr: 'fr_FR',
  de: 'de',
  it: 'it',
  pt: 'pt_BR',
  pl: 'pl',
  tr: 'tr',
  ru: 'ru',
  nl: 'nl',
  cs: 'cs',
  ar: 'ar',
  'zh-cn': 'zh_CN',
  hu: 'hu_HU',
  ko: 'ko_KR',
  ja: 'ja',
}

/** Placeholders of CLDR (`{0}`), Uppy (`%{name}`), TinyMCE (`{0}`) and printf. */
const PLACEHOLDER = /\{\d+\}|%\{[^}]*\}|\{\{[^}]*\}\}|%[sd]/g

function clean(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(PLACEHOLDER, '3')
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim()
}

function leaves(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) leaves(v, out)
  return out
}

function cldrJson(pkg: string, locale: string, file: string): Record<string, unknown> {
  const path = join(pkgDir(pkg), 'main', locale, file)
  const json = JSON.parse(readFileSync(path, 'utf8')) as { main: Record<string, unknown> }
  return json.main[locale] as Record<string, unknown>
}

function trainStrings(language: XttsLanguage): string[] {
  const locale = CLDR[language]
  const dir = join(pkgDir('cldr-localenames-full'), 'main', locale)
  return readdirSync(dir).flatMap((file) =>
    leaves(cldrJson('cldr-localenames-full', locale, file).localeDisplayNames, []),
  )
}

function cldrEvalStrings(language: XttsLanguage): Record<string, string[]> {
  const locale = CLDR[language]
  const units = cldrJson('cldr-units-full', locale, 'units.json').units as Record<string, unknown>
  const dates = cldrJson('cldr-dates-full', locale, 'dateFields.json').dates as {
    fields: unknown
  }
  const greg = (
    cldrJson('cldr-dates-full', locale, 'ca-gregorian.json').dates as {
      calendars: { gregorian: Record<string, Record<string, Record<string, unknown>>> }
    }
  ).calendars.gregorian
  const names = ['months', 'days', 'quarters', 'dayPeriods'].flatMap((k) =>
    leaves(greg[k]?.format?.wide, []),
  )
  return {
    'cldr-units': leaves(units.long, []),
    'cldr-dates': [...leaves(dates.fields, []), ...names],
  }
}

function uppyStrings(language: XttsLanguage): string[] {
  const file = join(pkgDir('@uppy/locales'), 'lib', `${UPPY[language]}.js`)
  const source = readFileSync(file, 'utf8').replace(/export default \w+;?/, '')
  const strings = new Function(`${source}; return ${UPPY[language]}.strings`)() as unknown
  return leaves(strings, [])
}

function tinymceTable(locale: string): Record<string, string> {
  const file = join(pkgDir('tinymce-i18n'), 'langs7', `${locale}.js`)
  let table: Record<string, string> = {}
  new Function('tinymce', readFileSync(file, 'utf8'))({
    addI18n: (_: string, t: Record<string, string>) => {
      table = t
    },
  })
  return table
}

function tinymceStrings(language: XttsLanguage): string[] {
  if (language === 'en') return Object.keys(tinymceTable('de'))
  const locale = TINYMCE[language]
  return locale ? Object.values(tinymceTable(locale)) : []
}

/** Drops empty and letter-less strings and those spelt the same in two languages. */
function dedupe(raw: Sample[]): { samples: Sample[]; dropped: number } {
  const seen = new Map<string, Set<XttsLanguage>>()
  const unique: Sample[] = []
  const keys = new Set<string>()
  for (const s of raw) {
    const text = clean(s.text)
    if (!/\p{L}/u.test(text)) continue
    const key = text.toLowerCase()
    const langs = seen.get(key) ?? new Set<XttsLanguage>()
    seen.set(key, langs)
    langs.add(s.language)
    if (keys.has(`${s.language}\t${key}`)) continue
    keys.add(`${s.language}\t${key}`)
    unique.push({ ...s, text })
  }
  const samples = unique.filter((s) => (seen.get(s.text.toLowerCase())?.size ?? 0) === 1)
  return { samples, dropped: unique.length - samples.length }
}

/** The tuning set: CLDR localised names. */
export function trainingSamples(): { samples: Sample[]; dropped: number } {
  return dedupe(
    XTTS_LANGUAGES.flatMap((language) =>
      trainStrings(language).map((text) => ({ text, language, source: 'cldr-names' })),
    ),
  )
}

/** The held-out set: CLDR units and dates, Uppy's and TinyMCE's translation files. */
export function evaluationSamples(): { samples: Sample[]; dropped: number } {
  return dedupe(
    XTTS_LANGUAGES.flatMap((language) => {
      const cldr = cldrEvalStrings(language)
      const bySource: Record<string, string[]> = {
        ...cldr,
        uppy: uppyStrings(language),
        tinymce: tinymceStrings(language),
      }
      return Object.entries(bySource).flatMap(([source, texts]) =>
        texts.map((text) => ({ text, language, source })),
      )
    }),
  )
}

export type UiBucket = 'words' | 'short' | 'long'
export const UI_BUCKETS: readonly UiBucket[] = ['words', 'short', 'long']
export const UI_BUCKET_NAMES: Record<UiBucket, string> = {
  words: '1–3 words',
  short: '20–40 ch',
  long: '41–120 ch',
}

/**
 * The buckets a string falls in: 1–3 space-separated words (a CJK string without spaces is
 * one word), 20–40 characters, 41–120 characters. A short phrase can be in the first two.
 */
export function bucketsOf(text: string): UiBucket[] {
  const out: UiBucket[] = []
  if (text.split(' ').length <= 3) out.push('words')
  if (text.length >= 20 && text.length <= 40) out.push('short')
  else if (text.length > 40 && text.length <= 120) out.push('long')
  return out
}
