/**
 * @module speech/respond — audio answers with their headers; `If-None-Match` (304, on audio
 * served from the cache only) and a single `Range` (206) on complete audio, as browsers'
 * `<audio>` elements need.
 */
import { MIME_TYPES, type ResponseFormat } from '../encode/index.ts'
import { ProblemError } from '../problem/index.ts'
import { UPSTREAM_NAME } from '../settings/schema.ts'
import { serverTiming, type Timings } from './context.ts'

/** The audio headers every speech answer carries. */
export interface AudioHeaders {
  format: ResponseFormat
  cache: 'HIT' | 'MISS' | 'COALESCED' | 'STALE' | 'BYPASS'
  language: string
  /** The upstream's configured name, or `cache`. */
  upstream: string
  etag: string
  timings: Timings
}

/** Headers shared by complete and streamed answers. */
export function audioHeaders(h: AudioHeaders): Headers {
  return new Headers({
    'content-type': MIME_TYPES[h.format],
    'x-tts-cache': h.cache,
    'x-tts-language': h.language,
    // An entry stored before upstreams had names holds "adapter host:port": never shown.
    'x-tts-upstream': UPSTREAM_NAME.test(h.upstream) ? h.upstream : 'unnamed',
    'server-timing': serverTiming(h.timings),
    etag: `"${h.etag}"`,
    // The caller asked that nothing of it be kept: browsers and proxies neither.
    'cache-control': h.cache === 'BYPASS' ? 'no-store' : 'private, max-age=86400',
  })
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '')
    return tag === '*' || tag === `"${etag}"`
  })
}

function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | 'ignore' | 'unsatisfiable' {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return 'ignore'
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return { start, end }
}

/**
 * A complete audio answer, honouring `If-None-Match` and `Range` from `request`.
 *
 * @example
 * return completeAudio(c.req.raw, bytes, { format: 'mp3', cache: 'HIT', ... })
 */
export function completeAudio(request: Request, bytes: Uint8Array, h: AudioHeaders): Response {
  const headers = audioHeaders(h)
  headers.set('accept-ranges', 'bytes')
  // Only audio that was already cached can be "not modified": a miss (or a joined synthesis)
  // has just made new audio, which the caller cannot hold, whatever `If-None-Match: *` says.
  const fromCache = h.cache === 'HIT' || h.cache === 'STALE'
  if (fromCache && matchesEtag(request.headers.get('if-none-match'), h.etag)) {
    headers.delete('content-type')
    return new Response(null, { status: 304, headers })
  }
  const rangeHeader = request.headers.get('range')
  const range = rangeHeader ? parseRange(rangeHeader, bytes.byteLength) : 'ignore'
  if (range === 'unsatisfiable') {
    throw new ProblemError(
      'range_not_satisfiable',
      `range "${rangeHeader}" is outside the ${bytes.byteLength} bytes of this audio`,
      { headers: { 'content-range': `bytes */${bytes.byteLength}` } },
    )
  }
  if (range === 'ignore') {
    headers.set('content-length', String(bytes.byteLength))
    return new Response(bytes as BodyInit, { status: 200, headers })
  }
  const part = bytes.subarray(range.start, range.end + 1)
  headers.set('content-range', `bytes ${range.start}-${range.end}/${bytes.byteLength}`)
  headers.set('content-length', String(part.byteLength))
  return new Response(part as BodyInit, { status: 206, headers })
}
