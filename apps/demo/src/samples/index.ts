/** @module samples — phrases in several of XTTS's languages, for the page's sample buttons. */

/** One sample phrase. */
export interface Sample {
  /** The language's own name, shown on the button. */
  label: string
  /** XTTS language code. */
  language: string
  text: string
}

/**
 * The sample phrases, French and Arabic (right-to-left) among them.
 *
 * @example
 * SAMPLES.find((s) => s.language === 'ar')?.text
 */
export const SAMPLES: readonly Sample[] = [
  {
    label: 'English',
    language: 'en',
    text: 'The weather is lovely today, shall we go for a walk?',
  },
  {
    label: 'Français',
    language: 'fr',
    text: 'Bonjour à tous, la synthèse vocale fonctionne même hors ligne.',
  },
  { label: 'العربية', language: 'ar', text: 'مرحبا بكم، هذا اختبار لتحويل النص إلى كلام.' },
  { label: 'Español', language: 'es', text: 'Hola, ¿qué tal? Esta voz viene del servidor.' },
  { label: 'Deutsch', language: 'de', text: 'Guten Morgen, die Sprachausgabe ist jetzt bereit.' },
  { label: 'Русский', language: 'ru', text: 'Добрый день! Это проверка синтеза речи.' },
  { label: '日本語', language: 'ja', text: 'こんにちは、音声合成のテストです。' },
]
