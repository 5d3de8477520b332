/**
 * @module lang/evidence — what short texts say beyond eld's n-grams, loaded with the n-gram
 * data (not in the browser entry): letters that only some Latin-script languages use, Han
 * characters whose form is only Chinese (simplified) or only Japanese, words of real UI
 * strings (data/lexicon.gen.ts, from translation files outside the evaluation set; see
 * bench/gen-lexicon.ts), and the tuned weights.
 *
 * Written here, not taken from a library: no maintained package has these tables for exactly
 * XTTS's languages, and they are a few hundred bytes. The weights (`TUNED`) were fitted by
 * bench/tune-lang.ts on the tuning set only (CLDR's localised names and UDHR snippets); the
 * figures reported in bench/ui.bench.ts come from the held-out set (bench/ui-corpus.ts).
 */

import LEXICON_ROWS from './data/lexicon.gen.ts'
import type { LatinLanguage } from './ngram.ts'

/** Letters (lower case) and the Latin-script XTTS languages whose spelling uses them. */
const LETTER_LANGUAGES: Readonly<Record<string, readonly LatinLanguage[]>> = {
  ß: ['de'],
  ä: ['de'],
  ö: ['de', 'hu', 'tr'],
  ü: ['de', 'hu', 'tr', 'es'],
  ő: ['hu'],
  ű: ['hu'],
  á: ['es', 'pt', 'hu', 'cs'],
  é: ['fr', 'es', 'pt', 'hu', 'cs', 'it', 'nl'],
  í: ['es', 'pt', 'hu', 'cs'],
  ó: ['es', 'pt', 'hu', 'cs', 'pl'],
  ú: ['es', 'pt', 'hu', 'cs'],
  ý: ['cs'],
  à: ['fr', 'it', 'pt'],
  è: ['fr', 'it'],
  ì: ['it'],
  ò: ['it'],
  ù: ['fr', 'it'],
  â: ['fr', 'pt', 'tr'],
  ê: ['fr', 'pt'],
  î: ['fr', 'tr'],
  ô: ['fr', 'pt'],
  û: ['fr', 'tr'],
  ë: ['fr', 'nl'],
  ï: ['fr', 'nl'],
  ÿ: ['fr'],
  ç: ['fr', 'pt', 'tr'],
  œ: ['fr'],
  æ: ['fr'],
  ã: ['pt'],
  õ: ['pt'],
  ñ: ['es'],
  '¿': ['es'],
  '¡': ['es'],
  č: ['cs'],
  ď: ['cs'],
  ě: ['cs'],
  ň: ['cs'],
  ř: ['cs'],
  š: ['cs'],
  ť: ['cs'],
  ů: ['cs'],
  ž: ['cs'],
  ą: ['pl'],
  ć: ['pl'],
  ę: ['pl'],
  ł: ['pl'],
  ń: ['pl'],
  ś: ['pl'],
  ź: ['pl'],
  ż: ['pl'],
  ğ: ['tr'],
  ı: ['tr'],
  ş: ['tr'],
}

/**
 * Simplified Chinese forms that Japanese writes differently (说 vs 説, 设 vs 設, 这, 们, ...):
 * one of them in Han-only text is strong evidence for Chinese.
 */
const ZH_ONLY =
  '说读语话请谢认设计订论证识试询调谈课该谁这们么个为过还进连运远选边样让从经给结统总续缩终纽维组织约纪红级线练细绍网络编缘' +
  '时间门问闭开关阅闻东车转轮软辑输载长书页题项顺预领频颜显类发变对应态动务无效错误确复贴传标码帐户钟历电气观欢听见视觉览规' +
  '亲乐华单击择损启币师帮帧图删闪价费员买卖赞质贸资购贵财货账队阳阴际陆岛亚兰罗马鸟鱼龙众归录钮钱银铁节报据换扩护拥挤挥场块' +
  '坏实宁审军农处备夺头岁庆广庄库异张弹彻忆忧怀恶悬惊惯'

/**
 * Japanese forms (shinjitai, kokuji, kana-like marks) that simplified Chinese writes
 * differently or not at all (説, 設, 図, 発, 曜, 円, 込, ...).
 */
const JA_ONLY =
  '説読語話請謝認設計訂論証識試詢調談課該誰這個為過還進連運遠選辺様譲従経給結統総続縮終紐維組織約紀紅級線練細紹網絡編縁時間' +
  '門問閉開関閲聞東車転輪軟輯輸載長書頁題項順預領頻顔顕類発変対応態動務無効錯誤確複製貼伝標帳戸鐘暦電気観歓聴見視覚覧規親楽' +
  '華単撃択損啓幣師幇図閃価費員買売賛質貿資購貴財貨隊陽陰際陸島亜蘭羅馬鳥魚竜衆帰録鈕銭銀鉄節報拡護擁挙揮場塊壊実寧審軍農処' +
  '備奪頭歳慶広荘庫弾徹憶憂懐悪懸驚慣曜円込駅働枠畑峠辻凪匂済歩毎県'

const ZH_SET = new Set(ZH_ONLY)
const JA_SET = new Set(JA_ONLY)

/** The weights fitted on the tuning set by bench/tune-lang.ts (its output, pasted). */
export const TUNED = {
  /** Score factor per letter a language does not use (`ł` for Spanish). */
  letterPenalty: 0.25,
  /** Score factor per Han character whose form the language does not use. */
  hanPenalty: 0.3,
  /** Score factor for the languages the caller's hint names. */
  hintBoost: 1.1,
  /** Score factor per word of the text that the UI lexicon lists for the language. */
  lexiconBoost: 1.1,
  /** Score factor per word of the text that the UI lexicon lists for other languages only. */
  lexiconPenalty: 1,
  /** Confidence when only the hint named the language (the model knew no n-gram of the text). */
  hintOnlyConfidence: 0.5,
  /** Per-language factors correcting eld's leanings on UI text, by `LATIN_LANGUAGES` order. */
  bias: {
    cs: 0.722,
    de: 0.95,
    en: 1,
    es: 0.95,
    fr: 0.95,
    hu: 1.1,
    it: 1.05,
    nl: 1,
    pl: 1.1,
    pt: 1,
    tr: 1.15,
  } as Record<LatinLanguage, number>,
}

/**
 * For each language of `languages`, how many letters of `text` (lower case) its spelling does
 * not use. Letters no table row names (ASCII, most of all) count for no one.
 *
 * @example
 * foreignLetters('łódź', ['pl', 'es']) // [0, 3]  (ł, ó is Spanish too, ź)
 */
export function foreignLetters(text: string, languages: readonly LatinLanguage[]): number[] {
  const out = languages.map(() => 0)
  for (const ch of text) {
    if (ch < '\u00a1') continue
    const users = LETTER_LANGUAGES[ch]
    if (!users) continue
    for (let i = 0; i < languages.length; i++) {
      if (!users.includes(languages[i] as LatinLanguage)) out[i] = (out[i] as number) + 1
    }
  }
  return out
}

/**
 * Han characters of `text` written only the Chinese (simplified) way and only the Japanese way.
 *
 * @example
 * hanForms('设置') // { zh: 1, ja: 0 }
 */
export function hanForms(text: string): { zh: number; ja: number } {
  let zh = 0
  let ja = 0
  for (const ch of text) {
    if (ZH_SET.has(ch)) zh++
    else if (JA_SET.has(ch)) ja++
  }
  return { zh, ja }
}

/** UI word → bit mask over `LATIN_LANGUAGES` of the languages that use it. */
const LEXICON = new Map<string, number>(
  LEXICON_ROWS.split('\n').map((row) => {
    const tab = row.indexOf('\t')
    return [row.slice(0, tab), Number.parseInt(row.slice(tab + 1), 36)]
  }),
)

/**
 * The lexicon's language masks (bit i: `LATIN_LANGUAGES[i]`) of the words of `text` (lower
 * case) that it lists.
 *
 * @example
 * lexiconMasks('abbrechen') // [0b10] (de) when the lexicon lists it
 */
export function lexiconMasks(text: string): number[] {
  const out: number[] = []
  for (const word of text.match(/\p{L}{2,}/gu) ?? []) {
    const mask = LEXICON.get(word)
    if (mask !== undefined) out.push(mask)
  }
  return out
}
