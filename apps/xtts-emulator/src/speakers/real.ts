/**
 * @module speakers/real — a `/studio_speakers` document the size of the real server's: XTTS-v2's
 * 58 studio speakers, each with a 512-float `speaker_embedding` and a 32×1024 `gpt_cond_latent`
 * written at float32 precision, ~37 MB of JSON in all (the real one is 30–40 MB). Generated
 * deterministically from each name and handed out one speaker at a time, so a server streams it
 * without holding the whole string (a single V8 string of that size is near its limit anyway).
 */
import { createHash } from 'node:crypto'
import { EMBEDDING_SIZE, generator, LATENT_WIDTH, latentsFromSeed } from './index.ts'

/** Rows of a real XTTS-v2 `gpt_cond_latent` (the small document has 4). */
export const REAL_LATENT_ROWS = 32

/** XTTS-v2's studio speakers, in the order of its `speakers_xtts.pth`. */
export const REAL_STUDIO_SPEAKER_NAMES: readonly string[] = [
  'Claribel Dervla',
  'Daisy Studious',
  'Gracie Wise',
  'Tammie Ema',
  'Alison Dietlinde',
  'Ana Florence',
  'Annmarie Nele',
  'Asya Anara',
  'Brenda Stern',
  'Gitta Nikolina',
  'Henriette Usha',
  'Sofia Hellen',
  'Tammy Grit',
  'Tanja Adelina',
  'Vjollca Johnnie',
  'Andrew Chipper',
  'Badr Odhiambo',
  'Dionisio Schuyler',
  'Royston Min',
  'Viktor Eka',
  'Abrahan Mack',
  'Adde Michal',
  'Baldur Sanjin',
  'Craig Gutsy',
  'Damien Black',
  'Gilberto Mathias',
  'Ilkin Urbano',
  'Kazuhiko Atallah',
  'Ludvig Milivoj',
  'Suad Qasim',
  'Torcull Diarmuid',
  'Viktor Menelaos',
  'Zacharie Aimilios',
  'Nova Hogarth',
  'Maja Ruoho',
  'Uta Obando',
  'Lidiya Szekeres',
  'Chandra MacFarland',
  'Szofi Granger',
  'Camilla Holmström',
  'Lilya Stainthorpe',
  'Zofija Kendrick',
  'Narelle Moon',
  'Barbora MacLean',
  'Alexandra Hisakawa',
  'Alma María',
  'Rosemary Okafor',
  'Ige Behringer',
  'Filip Traverse',
  'Damjan Chapman',
  'Wulf Carlevaro',
  'Aaron Dreschner',
  'Kumar Dahl',
  'Eugenio Mataracı',
  'Ferran Simen',
  'Xavier Hayasaka',
  'Luis Moray',
  'Marcos Rudaski',
]

/**
 * One speaker's `"name":{...}` member. The embedding is the small document's for the same name,
 * so a studio speaker keeps its voice; the latent rows are float32 values (the real server's
 * JSON prints float32 tensors as doubles: ~18 characters a number, which is what makes its size).
 */
function speakerMember(name: string): string {
  const { speaker_embedding } = latentsFromSeed(`studio:${name}`)
  if (speaker_embedding.length !== EMBEDDING_SIZE) throw new Error('embedding size drifted')
  const next = generator(createHash('sha256').update(`studio-gpt:${name}`).digest())
  const row = new Array<number>(LATENT_WIDTH)
  const rows: string[] = []
  for (let r = 0; r < REAL_LATENT_ROWS; r++) {
    // Sum of two uniforms: a bell-ish spread in (-2, 2), like the real latents' values.
    for (let i = 0; i < LATENT_WIDTH; i++) row[i] = Math.fround(next() + next() - 1) * 2
    rows.push(JSON.stringify(row))
  }
  return `${JSON.stringify(name)}:{"speaker_embedding":${JSON.stringify(speaker_embedding)},"gpt_cond_latent":[${rows.join(',')}]}`
}

/**
 * The real-sized `/studio_speakers` JSON, in pieces (`{`, one piece a speaker, `}`) whose
 * concatenation is one JSON object. The same pieces every time, in any process.
 *
 * @example
 * for (const piece of realStudioSpeakersJson()) if (!(await body.write(Buffer.from(piece)))) break
 */
export function* realStudioSpeakersJson(): Generator<string> {
  yield '{'
  for (const [i, name] of REAL_STUDIO_SPEAKER_NAMES.entries()) {
    yield `${i === 0 ? '' : ','}${speakerMember(name)}`
  }
  yield '}'
}
