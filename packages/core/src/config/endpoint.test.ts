import { describe, expect, it } from 'vitest'
import { endpointBase, isLoopbackHost, parseEndpoint } from './endpoint.ts'
import { isConfigError } from './errors.ts'

function failure(url: string, debug = false) {
  try {
    parseEndpoint(url, { debug })
  } catch (error) {
    if (isConfigError(error)) return error
    throw error
  }
  throw new Error(`expected ${url} to be refused`)
}

describe('parseEndpoint', () => {
  it.each([
    'https://tts.example.com',
    'https://tts.example.com:8443/base/',
    'http://localhost:8787',
    'http://LOCALHOST:8787/',
    'http://127.0.0.1:8020',
    'http://127.255.255.254',
    'http://127.1:8020',
    'http://0x7f000001/',
    'http://[::1]:8787',
    'http://[0:0:0:0:0:0:0:1]/',
  ])('accepts %s', (url) => {
    expect(parseEndpoint(url)).toBeInstanceOf(URL)
  })

  it.each([
    ['http://tts.example.com', /non-loopback host 'tts.example.com'.*HTTPS required/],
    ['http://128.0.0.1', /non-loopback/],
    ['http://10.0.0.5:8020', /non-loopback/],
    ['http://localhost.evil.example', /non-loopback/],
    ['http://127.0.0.1.nip.io', /non-loopback/],
    ['http://[::ffff:127.0.0.1]', /non-loopback/],
    ['http://[::2]', /non-loopback/],
    ['ftp://tts.example.com', /uses the scheme 'ftp:'/],
    ['javascript:alert(1)', /uses the scheme 'javascript:'/],
    ['tts.example.com', /is not an absolute URL/],
    ['', /is not an absolute URL/],
    ['https://tts.example.com/?key=1', /has a query or fragment/],
    ['https://tts.example.com/#x', /has a query or fragment/],
  ])('refuses %s', (url, message) => {
    const error = failure(url)
    expect(error.field).toBe('endpoint')
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/allowed: an absolute https:\/\/ URL/)
  })

  it('allows plain http to any host in debug mode, but never other schemes or credentials', () => {
    expect(parseEndpoint('http://tts.example.com', { debug: true }).hostname).toBe(
      'tts.example.com',
    )
    expect(failure('ftp://tts.example.com', true).message).toMatch(/scheme/)
    expect(failure('http://u:p@h.example', true).message).toMatch(/credentials/)
  })

  it('never echoes the password of a URL with credentials', () => {
    const error = failure('https://admin:hunter2-very-secret@tts.example.com')
    expect(error.message).toMatch(/holds credentials/)
    expect(error.message).not.toContain('hunter2')
  })

  it('names a custom field', () => {
    expect(() => parseEndpoint('http://h.example', { field: 'upstreams.0' })).toThrow(
      /^`upstreams\.0`/,
    )
  })
})

describe('isLoopbackHost / endpointBase', () => {
  it('knows loopback hosts only', () => {
    expect(['localhost', '127.0.0.1', '127.9.8.7', '[::1]', '::1'].every(isLoopbackHost)).toBe(true)
    expect(
      ['example.com', '127.0.0.1.example', '0.0.0.0', '[::]', 'localhost6'].some(isLoopbackHost),
    ).toBe(false)
  })

  it('drops trailing slashes so paths can be appended', () => {
    expect(endpointBase(new URL('https://h.example/'))).toBe('https://h.example')
    expect(endpointBase(new URL('https://h.example:8443/tts//'))).toBe('https://h.example:8443/tts')
  })
})
