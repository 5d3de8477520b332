import { describe, expect, it } from 'vitest'
import { isSecretField, MASK, maskSecret, redact, redactString, truncateText } from './redact.ts'

// Fake secrets only. Each case: what is logged, and the secret inside it.
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFuYSJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'
const PEM =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----'
// The shape of the edge's browser tokens: `ttsb1.<base64url claims>.<base64url HMAC>`.
const BROWSER_TOKEN =
  'ttsb1.eyJ2IjoxLCJraWQiOiJ0MSIsInRlbmFudCI6ImEiLCJleHAiOjE3NjQ5MzY1NjV9.q2Xh0_mJ3vZ-8cQ1rT7yL4nB6sW9dK0fU5pA2eG3hIk'
const headers = new Headers({
  Authorization: 'Bearer hdr-0123456789abcdefXYZ1',
  Accept: 'audio/wav',
})

const CASES: Array<{ shape: string; input: unknown; secret: string }> = [
  {
    shape: 'authorization field',
    input: { authorization: 'Bearer tok-9f8e7d6c5b4a3210' },
    secret: 'tok-9f8e7d6c5b4a3210',
  },
  {
    shape: 'apiKey field',
    input: { apiKey: 'key-a1b2c3d4e5f6g7h8' },
    secret: 'key-a1b2c3d4e5f6g7h8',
  },
  { shape: 'api_key field', input: { api_key: 'AbCdEfGhIjKlMnOp' }, secret: 'AbCdEfGhIjKlMnOp' },
  {
    shape: 'X-Api-Key nested header',
    input: { req: { headers: { 'X-Api-Key': 'zzyyxxwwvvuu1234' } } },
    secret: 'zzyyxxwwvvuu1234',
  },
  {
    shape: 'token inside an array',
    input: { items: [{ id: 1 }, { token: 'tkn_0011223344556677' }] },
    secret: 'tkn_0011223344556677',
  },
  { shape: 'short password field', input: { password: 'hunter2' }, secret: 'hunter2' },
  {
    shape: 'clientSecret field',
    input: { oauth: { clientSecret: 'cs-verysecretvalue99' } },
    secret: 'cs-verysecretvalue99',
  },
  { shape: 'key field', input: { key: 'k_0123456789abcdef' }, secret: 'k_0123456789abcdef' },
  {
    shape: 'Cookie field',
    input: { Cookie: 'session=s3ss10nV4lue0099; theme=dark' },
    secret: 's3ss10nV4lue0099',
  },
  {
    shape: 'credentials object',
    input: { credentials: { user: 'bob', pass: 'pa55w0rdpa55w0rd' } },
    secret: 'pa55w0rdpa55w0rd',
  },
  { shape: 'Headers instance', input: { headers }, secret: 'hdr-0123456789abcdefXYZ1' },
  {
    shape: 'Map entry',
    input: new Map([['refreshToken', 'rt-aaaabbbbccccdddd']]),
    secret: 'rt-aaaabbbbccccdddd',
  },
  {
    shape: 'Bearer in a string',
    input: 'upstream 401 for Authorization: Bearer b3ar3rT0k3nValue42',
    secret: 'b3ar3rT0k3nValue42',
  },
  {
    shape: 'Basic in a string',
    input: 'sent Basic YWRtaW46c2VjcmV0cGFzc3dvcmQ=',
    secret: 'YWRtaW46c2VjcmV0cGFzc3dvcmQ=',
  },
  {
    shape: 'api_key= in a URL',
    input: 'GET https://xtts.example/tts?lang=en&api_key=0123456789abcdef&x=1',
    secret: '0123456789abcdef',
  },
  {
    shape: 'token= in a URL',
    input: { url: 'https://h/tts_stream?token=T0k3nInTheQuery99' },
    secret: 'T0k3nInTheQuery99',
  },
  {
    shape: 'browser token in an <audio src> query',
    input: `GET /v1/audio/speech?input=Hi&voice=alloy&token=${BROWSER_TOKEN}&response_format=wav`,
    secret: BROWSER_TOKEN,
  },
  {
    shape: 'browser token as the first query parameter of a URL object',
    input: { src: new URL(`https://edge.example/v1/audio/speech?token=${BROWSER_TOKEN}`) },
    secret: BROWSER_TOKEN,
  },
  {
    shape: 'browser token as a bearer',
    input: { message: `refused Authorization: Bearer ${BROWSER_TOKEN}` },
    secret: BROWSER_TOKEN,
  },
  {
    shape: 'key= in a URL',
    input: 'https://maps.example/api?key=AIzaFakeFakeFakeFake00',
    secret: 'AIzaFakeFakeFakeFake00',
  },
  {
    shape: 'basic auth in a URL',
    input: 'connect https://admin:s3cretPassw0rd!@xtts.internal:8020/tts',
    secret: 's3cretPassw0rd!',
  },
  {
    shape: 'URL object with basic auth',
    input: { upstream: new URL('https://u:urlPassw0rd1234@h.example/') },
    secret: 'urlPassw0rd1234',
  },
  {
    shape: 'sk- provider key',
    input: 'invalid key sk-proj-AbCdEf0123456789XyZ given',
    secret: 'sk-proj-AbCdEf0123456789XyZ',
  },
  {
    shape: 'sk_live key',
    input: 'charge failed (sk_live_51HfakeFAKEfake0000)',
    secret: 'sk_live_51HfakeFAKEfake0000',
  },
  { shape: 'JWT', input: `session ${JWT} expired`, secret: JWT },
  {
    shape: 'GitHub token',
    input: 'clone with ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
    secret: 'ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  },
  {
    shape: 'AWS access key id',
    input: 'aws AKIAIOSFODNN7EXAMPLE used',
    secret: 'AKIAIOSFODNN7EXAMPLE',
  },
  {
    shape: 'Google API key',
    input: 'maps AIzaSyA-FAKE_fake-FAKE_fake-FAKE_fake1 set',
    secret: 'AIzaSyA-FAKE_fake-FAKE_fake-FAKE_fake1',
  },
  {
    shape: 'Slack token',
    input: 'slack xoxb-1234567890-abcdefghijkl',
    secret: 'xoxb-1234567890-abcdefghijkl',
  },
  {
    shape: 'Hugging Face token',
    input: 'hf hf_abcdefghijklmnopqrstuvwxyzABCDEF',
    secret: 'hf_abcdefghijklmnopqrstuvwxyzABCDEF',
  },
  {
    shape: 'JSON in a string',
    input: 'body: {"apiKey":"j50nEmbeddedKey77","text":"hi"}',
    secret: 'j50nEmbeddedKey77',
  },
  {
    shape: 'env line',
    input: 'XTTS_API_KEY=envSecretValue1234 node cli.ts',
    secret: 'envSecretValue1234',
  },
  {
    shape: 'x-api-key header line',
    input: 'x-api-key: h34derKeyValue001',
    secret: 'h34derKeyValue001',
  },
  {
    shape: 'password= in a form body',
    input: 'user=bob&password=correcthorsebattery',
    secret: 'correcthorsebattery',
  },
  {
    shape: 'PEM private key',
    input: { note: PEM },
    secret: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
  },
  {
    shape: 'Error message',
    input: new Error('fetch https://h/?token=errT0kenValue123 failed'),
    secret: 'errT0kenValue123',
  },
  {
    shape: 'Error property',
    input: Object.assign(new Error('401'), { apiKey: 'errPropKey0123456' }),
    secret: 'errPropKey0123456',
  },
  {
    shape: 'Error cause',
    input: new Error('wrapped', { cause: new Error('Bearer causeToken0123456') }),
    secret: 'causeToken0123456',
  },
]

describe('redact: secret shapes', () => {
  it('covers at least 15 shapes', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15)
  })

  it.each(CASES)('masks a $shape', ({ input, secret }) => {
    const out = JSON.stringify(redact(input))
    const body = secret.length >= 12 ? secret.slice(0, -4) : secret
    expect(out).not.toContain(body)
    expect(out).not.toContain(secret.slice(0, Math.min(8, secret.length - 4)))
    expect(out).toContain(MASK)
  })
})

describe('redact: browser tokens', () => {
  it('keeps neither the claims nor the signature, only the last 4 characters', () => {
    const [, claims = '', signature = ''] = BROWSER_TOKEN.split('.')
    for (const logged of [
      `https://edge.example/v1/audio/speech?token=${BROWSER_TOKEN}`,
      `Bearer ${BROWSER_TOKEN}`,
    ]) {
      const out = redactString(logged)
      expect(out).not.toContain(claims)
      expect(out).not.toContain(signature.slice(0, -4))
      expect(out).toContain(`${MASK}${BROWSER_TOKEN.slice(-4)}`)
    }
  })
})

describe('redact: what stays readable', () => {
  it.each([
    ['a cache key digest', { cacheKey: 'ab12cd34ef56ab12cd34ef56' }],
    ['a key id', { keyId: '2026-11' }],
    ['token counts', { maxTokens: 400, tokens: 12 }],
    ['ordinary text', { text: 'The key to success is a token of patience.' }],
    ['a URL without secrets', { url: 'https://xtts.example:8020/tts_stream?language=en&speed=1' }],
    ['an audio format', { format: 'wav', sampleRate: 24000 }],
  ])('%s', (_name, input) => {
    expect(redact(input)).toEqual(input)
  })

  it('keeps the user name of a basic-auth URL and the last 4 characters of long secrets', () => {
    expect(redactString('https://admin:s3cretPassw0rd!@h/x')).toBe('https://admin:****0rd!@h/x')
    expect(redactString('Authorization: Bearer abcdefghijkl9876')).toBe(
      'Authorization: Bearer ****9876',
    )
    expect(maskSecret('short')).toBe(MASK)
    expect(maskSecret('0123456789ab')).toBe('****89ab')
  })

  it('masks secret fields of any value type, keeps null and undefined visible', () => {
    expect(redact({ token: 12345, secret: true, apiKey: null, password: undefined })).toEqual({
      token: MASK,
      secret: MASK,
      apiKey: null,
      password: undefined,
    })
  })

  it('recognises secret field names whatever their case and separators', () => {
    for (const name of [
      'AUTHORIZATION',
      'api-key',
      'Api_Key',
      'accessToken',
      'x-auth-token',
      'privateKey',
      'set-cookie',
      'dbPassword',
      'Credential',
    ]) {
      expect(isSecretField(name), name).toBe(true)
    }
    for (const name of ['cacheKey', 'keyId', 'maxTokens', 'text', 'monkey', 'keys', 'tokenCount']) {
      expect(isSecretField(name), name).toBe(false)
    }
  })
})

describe('redact: hostile and odd data', () => {
  it('never throws on cycles, and marks them', () => {
    const a: Record<string, unknown> = { name: 'a' }
    a.self = a
    a.list = [a, { back: a }]
    expect(redact(a)).toEqual({
      name: 'a',
      self: '[Circular]',
      list: ['[Circular]', { back: '[Circular]' }],
    })
  })

  it('survives throwing getters, toJSON and Proxies', () => {
    const getter = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('nope')
      },
    })
    const badJson = {
      toJSON: () => {
        throw new Error('nope')
      },
    }
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('nope')
        },
      },
    )
    expect(redact({ getter, badJson, proxy })).toEqual({
      getter: '[Unserializable]',
      badJson: '[Unserializable]',
      proxy: '[Unserializable]',
    })
  })

  it('turns what JSON cannot hold into readable placeholders', () => {
    const out = redact({
      big: 10n,
      nan: Number.NaN,
      inf: Number.NEGATIVE_INFINITY,
      fn: function synth() {},
      sym: Symbol('s'),
      pcm: new Int16Array(480),
      buf: new ArrayBuffer(44),
      when: new Date(0),
      set: new Set([1, 2]),
    })
    expect(out).toEqual({
      big: '10n',
      nan: 'NaN',
      inf: '-Infinity',
      fn: '[Function synth]',
      sym: 'Symbol(s)',
      pcm: '[Int16Array 960 bytes]',
      buf: '[ArrayBuffer 44 bytes]',
      when: '1970-01-01T00:00:00.000Z',
      set: [1, 2],
    })
    expect(() => JSON.stringify(out)).not.toThrow()
  })

  it('caps depth and array length', () => {
    let deep: Record<string, unknown> = { leaf: true }
    for (let i = 0; i < 20; i++) deep = { d: deep }
    expect(JSON.stringify(redact(deep))).toContain('[Too deep]')
    const long = redact(Array.from({ length: 120 }, (_, i) => i)) as unknown[]
    expect(long).toHaveLength(51)
    expect(long[50]).toBe('[… 70 more items]')
  })
})

describe('truncateText', () => {
  it('cuts long strings and records their full length', () => {
    const text = 'a'.repeat(1000)
    const out = redact({ text }, { maxTextLength: 100 }) as { text: string }
    expect(out.text).toBe(`${'a'.repeat(100)}… [truncated, 1000 chars]`)
    expect(redact({ text: 'short' }, { maxTextLength: 100 })).toEqual({ text: 'short' })
  })

  it('records the full length of a huge string, and masks a secret right at the cut', () => {
    const huge = `${'z'.repeat(95)} token=atTheCutSecret0123 ${'q'.repeat(1_000_000)}`
    const out = redact(huge, { maxTextLength: 100 }) as string
    expect(out).toBe(`${'z'.repeat(95)} toke… [truncated, ${huge.length} chars]`)
    const edge = redact(`${'z'.repeat(90)} Bearer atTheCutSecret0123 ${'q'.repeat(5000)}`, {
      maxTextLength: 110,
    }) as string
    expect(edge).not.toContain('atTheCut')
    expect(edge).toContain('Bearer ****0123')
  })

  it('never splits a surrogate pair', () => {
    const out = truncateText(`ab${'😀'.repeat(10)}`, 3)
    expect(out).toBe('ab… [truncated, 22 chars]')
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
  })

  it('redacts before cutting, so a secret at the cut is not half-shown', () => {
    const text = `${'x'.repeat(30)} api_key=cutSecretValue987654 ${'y'.repeat(30)}`
    const out = redact(text, { maxTextLength: 45 }) as string
    expect(out).not.toContain('cutSecret')
    expect(out).toContain('[truncated, ')
  })
})
