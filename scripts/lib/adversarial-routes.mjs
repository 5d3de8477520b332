/**
 * @module adversarial-routes — case families of the adversarial pass around the speech bodies:
 * auth and scopes, browser tokens (in the query too), conditional headers, clone uploads,
 * voices, cache administration, prefetch, health/meta routes and wrong methods.
 */
import {
  FORMATS,
  json,
  junkClip,
  multipart,
  PHRASES,
  PROTO,
  speechBody,
  speechPost,
  unicodeText,
  VOICES,
} from './adversarial-random.mjs'

/** Route families: name → [weight, draw(rng)]. */
export const ROUTE_FAMILIES = {
  badAuth: [
    10,
    (rng) => {
      const path = rng.pick([
        '/v1/audio/speech',
        '/v1/voices',
        '/v1/cache/stats',
        '/v1/languages',
        '/v1/audio/speech/prefetch',
        '/metrics',
        '/readyz',
      ])
      const method = path.includes('speech') ? 'POST' : 'GET'
      const body = method === 'POST' ? json(speechBody(rng)) : { headers: {} }
      const authorization = rng.pick([
        undefined,
        'Bearer',
        'Bearer ',
        `Bearer fake_${rng.int(1e9)}_${'z'.repeat(20)}`,
        'Basic dXNlcjpwYXNz',
        `bearer {speech}`,
        `Bearer {speech} extra`,
        `Bearer ${'k'.repeat(9000)}`,
        'Bearer ttsb1.e30.AAAA',
        `Token {speech}`,
      ])
      return {
        method,
        path,
        auth: null,
        ...body,
        headers: { ...body.headers, ...(authorization === undefined ? {} : { authorization }) },
      }
    },
  ],
  wrongScope: [
    5,
    (rng) =>
      rng.pick([
        () => ({ method: 'DELETE', path: '/v1/cache', auth: 'speech' }),
        () => ({ method: 'GET', path: '/v1/voices', auth: 'speech' }),
        () => ({
          method: 'POST',
          path: '/v1/voices',
          auth: 'speech',
          ...multipart({ file: new Blob([junkClip(rng)]) }),
        }),
        () => ({
          method: 'POST',
          path: '/v1/audio/speech',
          auth: 'token',
          ...json(speechBody(rng)),
        }),
        () => ({ method: 'GET', path: '/v1/voices', auth: 'token' }),
      ])(),
  ],
  tokensInQuery: [
    8,
    (rng) => {
      const q = new URLSearchParams({
        input: rng.pick(PHRASES),
        voice: rng.pick(VOICES),
        response_format: 'mp3',
      })
      const token = rng.pick([
        '{token}',
        '{speech}',
        '{admin}',
        'ttsb1.e30.AAAA',
        `ttsb1.${'A'.repeat(rng.int(400))}.${'B'.repeat(43)}`,
        '',
        rng.pick(PROTO),
      ])
      const name = rng.pick(['token', 'token', 'api_key', 'key', 'access_token'])
      return {
        method: rng.pick(['GET', 'GET', 'POST']),
        path: `/v1/audio/speech?${q}&${name}=${token}`,
        auth: null,
        headers: {},
      }
    },
  ],
  mintTokens: [
    4,
    (rng) => ({
      method: 'POST',
      path: '/v1/tokens',
      auth: rng.pick(['speech', 'speech', null, 'token']),
      ...json(
        rng.pick([
          { ttl_seconds: 60 },
          { ttl_seconds: 0 },
          { ttl_seconds: 901 },
          { ttl_seconds: 30, origin: 'https://app.example', max_chars: 10 },
          { origin: 'not a url' },
          { max_chars: 5000 },
          {},
        ]),
      ),
    }),
  ],
  conditional: [
    8,
    (rng) =>
      speechPost(
        speechBody(rng, { input: rng.pick(PHRASES.slice(0, 3)) }),
        rng.pick([
          { 'if-none-match': '*' },
          { 'if-none-match': '"nope", W/"x"' },
          { 'if-modified-since': new Date(0).toUTCString() },
          { 'if-modified-since': 'yesterday' },
          {
            range: rng.pick([
              'bytes=0-10',
              'bytes=-5',
              'bytes=999999999-',
              'bytes=abc',
              'bytes=5-1',
              'bytes=0-0,2-3',
            ]),
          },
          { 'if-none-match': '*', range: 'bytes=0-1' },
        ]),
      ),
  ],
  cloneJunk: [
    8,
    (rng) => {
      const clip = junkClip(rng)
      const field = rng.pick(['file', 'file', 'wav_file', 'other'])
      const fields = rng.chance(0.1)
        ? { [field]: 'just a string' }
        : { [field]: new Blob([clip], { type: rng.pick(['audio/wav', 'image/png', '']) }) }
      if (rng.chance(0.5)) fields.name = rng.pick(['Me', unicodeText(rng, 70), ...PROTO])
      return { method: 'POST', path: '/v1/voices', auth: 'voices', ...multipart(fields) }
    },
  ],
  cloneOther: [
    3,
    (rng) =>
      rng.pick([
        () => ({ method: 'POST', path: '/v1/voices', auth: 'voices', ...json({ file: 'x' }) }),
        () => ({
          method: 'POST',
          path: '/v1/voices',
          auth: 'voices',
          headers: { 'content-type': 'multipart/form-data; boundary=x' },
          body: '--x\r\nbroken',
        }),
        () => ({
          method: 'POST',
          path: '/v1/voices',
          auth: 'voices',
          ...multipart({ file: new Blob([new Uint8Array(10 * 1024 * 1024 + 10)]) }),
        }),
        () => ({ method: 'POST', path: '/v1/voices', auth: 'voices', clip: true }),
      ])(),
  ],
  voicesRoutes: [
    6,
    (rng) =>
      rng.pick([
        () => ({ method: 'GET', path: '/v1/voices', auth: 'voices' }),
        () => ({ method: 'GET', path: '/v1/languages', auth: 'speech' }),
        () => ({
          method: 'DELETE',
          path: `/v1/voices/${rng.pick(['voice_0123456789abcdef0123', 'nope', '%00', '..%2F..%2Fetc', 'x'.repeat(100), '{voice}'])}`,
          auth: 'voices',
        }),
        () => ({
          method: 'POST',
          path: '/v1/audio/speech',
          auth: 'voices',
          ...json(speechBody(rng, { voice: '{voice}' })),
        }),
      ])(),
  ],
  cacheAdmin: [
    5,
    (rng) =>
      rng.pick([
        () => ({ method: 'GET', path: '/v1/cache/stats', auth: rng.pick(['speech', 'admin']) }),
        () => ({ method: 'DELETE', path: '/v1/cache', auth: rng.chance(0.1) ? 'admin' : 'speech' }),
        () => ({ method: 'POST', path: '/v1/cache', auth: 'admin' }),
      ])(),
  ],
  prefetch: [
    6,
    (rng) => ({
      method: 'POST',
      path: '/v1/audio/speech/prefetch',
      auth: 'speech',
      ...json(
        rng.pick([
          () => ({ inputs: [rng.pick(PHRASES)] }),
          () => ({
            items: [
              {
                input: rng.pick(PHRASES),
                voice: rng.pick(VOICES),
                response_format: rng.pick(FORMATS),
              },
            ],
          }),
          () => ({ inputs: Array.from({ length: 101 }, () => 'x') }),
          () => ({ inputs: ['a'], items: [{ input: 'b' }] }),
          () => ({}),
          () => ({ inputs: [rng.pick(PHRASES)], response_format: 'aac' }),
          () => ({ inputs: [rng.pick(PHRASES)], language: 'xx' }),
          () => ({ items: [{ input: '' }] }),
        ])(),
      ),
    }),
  ],
  meta: [
    6,
    (rng) => ({
      method: 'GET',
      path: rng.pick([
        '/healthz',
        '/readyz',
        '/metrics',
        '/openapi.json',
        '/docs',
        '/nope',
        '/v1',
        '/v1/audio/speech/nope',
        '/%2e%2e/',
        '/v1/audio/speech/prefetch',
      ]),
      auth: rng.pick([null, 'speech', 'admin']),
    }),
  ],
  wrongMethods: [
    4,
    (rng) => ({
      method: rng.pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']),
      path: rng.pick([
        '/v1/audio/speech',
        '/v1/voices',
        '/v1/tokens',
        '/healthz',
        '/v1/cache/stats',
      ]),
      auth: 'admin',
    }),
  ],
}
