import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { test } from 'node:test'
import { freePort } from './free-port.mjs'

test('freePort gives a loopback port that is free: a server can listen on it', async () => {
  const port = await freePort()
  assert.ok(Number.isInteger(port) && port > 0 && port < 65536, `got ${port}`)
  const server = createServer()
  await new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(port, '127.0.0.1', done)
  })
  assert.equal(server.address().port, port)
  await new Promise((done) => server.close(done))
})
