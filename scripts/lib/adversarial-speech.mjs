/**
 * @module adversarial-speech — case families of the adversarial pass aimed at the speech routes'
 * bodies: valid requests, streams, OpenAI's shapes, malformed JSON, wrong types and values, huge
 * and hostile Unicode, names of Object.prototype members.
 */
import {
  FORMATS,
  json,
  PHRASES,
  PROTO,
  speechBody,
  speechPost,
  unicodeText,
  VOICES,
} from './adversarial-random.mjs'

/** Speech-body families: name → [weight, draw(rng)]. */
export const SPEECH_FAMILIES = {
  speechValid: [10, (rng) => speechPost(speechBody(rng))],
  speechGetValid: [
    5,
    (rng) => {
      const q = new URLSearchParams({
        input: rng.pick(PHRASES),
        voice: rng.pick(VOICES),
        response_format: rng.pick(FORMATS),
      })
      return { method: 'GET', path: `/v1/audio/speech?${q}`, auth: 'speech' }
    },
  ],
  speechStreams: [
    6,
    (rng) =>
      speechPost(
        speechBody(
          rng,
          rng.pick([
            { stream: true },
            { stream_format: 'sse' },
            { stream_format: 'audio' },
            { stream_format: 'sse', response_format: 'pcm' },
          ]),
        ),
      ),
  ],
  openAiShape: [
    4,
    (rng) =>
      speechPost(
        speechBody(rng, {
          model: 'gpt-4o-mini-tts',
          instructions: unicodeText(rng, rng.int(300)),
          response_format: rng.pick(['mp3', 'aac', 'flac', 'opus']),
        }),
      ),
  ],
  malformedJson: [
    8,
    (rng) => ({
      method: 'POST',
      path: rng.pick(['/v1/audio/speech', '/v1/audio/speech/prefetch', '/v1/tokens']),
      auth: 'speech',
      ...json(
        rng.pick([
          '{',
          '{"input":',
          'null',
          '[]',
          '"text"',
          '{"input":"x",}',
          '\u0000',
          '',
          '{"input":"a"}{"b":1}',
          String.fromCharCode(...Array.from({ length: 50 }, () => rng.int(256))),
          '{"input": "\\ud800"}',
          `{"a":${'['.repeat(5000)}`,
        ]),
      ),
      ...(rng.chance(0.3)
        ? {
            headers: {
              'content-type': rng.pick([
                'text/plain',
                'application/x-www-form-urlencoded',
                'application/json; charset=latin1',
                '',
              ]),
            },
          }
        : {}),
    }),
  ],
  wrongTypes: [
    10,
    (rng) => {
      const field = rng.pick([
        'input',
        'voice',
        'response_format',
        'speed',
        'pitch',
        'language',
        'stream',
        'stream_format',
        'language_hint',
        'model',
        'instructions',
      ])
      const value = rng.pick([
        123,
        -1,
        0,
        1e308,
        -0.0001,
        5,
        'fast',
        '',
        [],
        ['en'],
        {},
        null,
        true,
        'NaN',
        'Infinity',
        'x'.repeat(200),
        rng.pick(PROTO),
      ])
      return speechPost(speechBody(rng, { [field]: value }))
    },
  ],
  badEnums: [
    8,
    (rng) =>
      speechPost(
        speechBody(
          rng,
          rng.pick([
            { response_format: rng.pick(['aac', 'ogg', 'WAV', 'mp4', 'xyz', ...PROTO]) },
            { speed: rng.pick([0, 0.1, 4.01, 100, -2]) },
            { language: rng.pick(['xx', 'klingon', 'en-', 'zh-tw', 'EN_us', '', ...PROTO]) },
            { language_hint: [rng.pick(PROTO), 'xx', ''] },
            { pitch: rng.pick([0, 0.49, 2.01, 9]) },
          ]),
        ),
      ),
  ],
  hugeUnicode: [
    6,
    (rng) =>
      speechPost(
        speechBody(rng, {
          language: 'en',
          input: rng.pick([
            () => '\uFB2C'.repeat(4096),
            () => unicodeText(rng, 4097),
            () => 'Hi! '.repeat(1024),
            () => Array.from({ length: 962 }, (_, i) => `S${i}.`).join(' '),
            () => ' \u3000\t\n'.repeat(rng.int(100) + 1),
            () => unicodeText(rng, rng.int(300) + 1),
            () => 'a'.repeat(70_000),
          ])(),
        }),
      ),
  ],
  prototypeNames: [
    10,
    (rng) => {
      const name = rng.pick(PROTO)
      return rng.pick([
        () => speechPost(speechBody(rng, { voice: name })),
        () => speechPost(speechBody(rng, { voice: name, stream_format: 'sse' })),
        () => ({
          method: 'GET',
          path: `/v1/audio/speech?${new URLSearchParams({ input: rng.pick(PHRASES), voice: name })}`,
          auth: 'speech',
        }),
        () => ({
          method: 'POST',
          path: '/v1/audio/speech/prefetch',
          auth: 'speech',
          ...json({ items: [{ input: rng.pick(PHRASES), voice: name }] }),
        }),
        () => ({
          method: 'POST',
          path: '/v1/audio/speech/prefetch',
          auth: 'speech',
          ...json({ inputs: [rng.pick(PHRASES)], voice: name }),
        }),
        () =>
          speechPost(
            `{"__proto__":{"input":"polluted"},"input":"${rng.pick(['Hi.', 'Ok.'])}","voice":"alloy","constructor":{"prototype":{"x":1}}}`,
          ),
        () => ({ method: 'DELETE', path: `/v1/voices/${name}`, auth: 'admin' }),
        () => ({
          method: 'POST',
          path: '/v1/tokens',
          auth: 'speech',
          ...json({ ttl_seconds: 60, [name]: 1, origin: name }),
        }),
      ])()
    },
  ],
}
