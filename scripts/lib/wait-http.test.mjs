import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { test } from 'node:test'
import { waitForHttp } from './wait-http.mjs'

/** A server on 127.0.0.1 that answers `statuses` in turn, then the last one for good. */
async function serving(statuses) {
  let seen = 0
  const server = createServer((_req, res) => {
    res.statusCode = statuses[Math.min(seen++, statuses.length - 1)]
    res.end()
  })
  await new Promise((done) => server.listen(0, '127.0.0.1', done))
  return {
    url: `http://127.0.0.1:${server.address().port}/healthz`,
    seen: () => seen,
    close: () => new Promise((done) => server.close(done)),
  }
}

test('waits through 5xx answers and returns at the first answer below 500', async (t) => {
  const server = await serving([503, 502, 404])
  t.after(server.close)
  await waitForHttp(server.url, 30_000, { everyMs: 10 })
  assert.equal(server.seen(), 3)
})

test('names the server and its URL when it never answers below 500', async (t) => {
  const server = await serving([503])
  t.after(server.close)
  await assert.rejects(waitForHttp(server.url, 300, { name: 'edge', everyMs: 10 }), {
    message: `edge did not answer at ${server.url} within 0.3 s`,
  })
  assert.ok(server.seen() >= 1)
})

test('without a name, the URL alone; a dropped connection counts as not up', async (t) => {
  // Drops every connection unanswered, so fetch fails as it does before a server listens.
  const server = createServer((req) => req.socket.destroy())
  await new Promise((done) => server.listen(0, '127.0.0.1', done))
  t.after(() => new Promise((done) => server.close(done)))
  const url = `http://127.0.0.1:${server.address().port}/`
  await assert.rejects(waitForHttp(url, 300, { everyMs: 10 }), {
    message: `${url} did not answer within 0.3 s`,
  })
})
