import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isUserError } from '../errors/index.ts'
import { configFilePath, loadConfig, parseCliConfig, saveConfig } from './index.ts'

let dir: string
let file: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tts-cli-config-'))
  file = join(dir, 'nested', 'config.json')
})
afterEach(() => rm(dir, { recursive: true, force: true }))

describe('config file', () => {
  it('resolves --config, then TTS_CONFIG_DIR, then the platform dir', () => {
    expect(configFilePath({ flag: 'x.json', env: { TTS_CONFIG_DIR: '/a' }, cwd: '/w' })).toBe(
      '/w/x.json',
    )
    expect(configFilePath({ env: { TTS_CONFIG_DIR: '/a' }, cwd: '/w' })).toBe('/a/config.json')
    expect(configFilePath({ env: {}, cwd: '/w' })).toMatch(/tts-edge[/\\]config\.json$/)
  })

  it('saves atomically, owner-only, with defaults applied, and loads it back', async () => {
    await saveConfig(
      file,
      parseCliConfig({ endpoint: 'http://127.0.0.1:8787/', timeoutMs: '4500' }),
    )
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect(await readdir(join(dir, 'nested'))).toEqual(['config.json']) // no temp file left
    expect(await loadConfig(file)).toMatchObject({
      endpoint: 'http://127.0.0.1:8787',
      timeoutMs: 4500,
      maxRetries: 3,
      voice: 'auto',
      format: 'wav',
    })
  })

  it('is undefined when missing, a UserError naming the file when damaged, and never reset', async () => {
    expect(await loadConfig(file)).toBeUndefined()
    await saveConfig(file, parseCliConfig({ endpoint: 'https://tts.example.com' }))
    await writeFile(file, '{"endpoint": "https://tts.exa')
    const error = await loadConfig(file).catch((e: unknown) => e)
    expect(isUserError(error)).toBe(true)
    expect((error as Error).message).toMatch(new RegExp(`${file} is not valid JSON.*tts setup`))
    expect(await readFile(file, 'utf8')).toBe('{"endpoint": "https://tts.exa')
  })

  it('rejects bad fields with core’s sentences, and an apiKey in the file', async () => {
    await saveConfig(file, parseCliConfig({ endpoint: 'https://tts.example.com' }))
    await writeFile(file, JSON.stringify({ endpoint: 'http://tts.example.com', maxRetries: 99 }))
    await expect(loadConfig(file)).rejects.toThrow(/`maxRetries` is 99, above the maximum/)
    await writeFile(
      file,
      JSON.stringify({ endpoint: 'https://tts.example.com', apiKey: 'tts_secret_value_1234' }),
    )
    const error = (await loadConfig(file).catch((e: unknown) => e)) as Error
    expect(error.message).toMatch(/`apiKey` does not belong in the config file/)
    expect(error.message).not.toContain('tts_secret_value_1234')
  })

  it('reports an unreadable file without a stack', async () => {
    if (process.getuid?.() === 0) return // root reads anything
    await saveConfig(file, parseCliConfig({ endpoint: 'https://tts.example.com' }))
    await chmod(file, 0)
    await expect(loadConfig(file)).rejects.toThrow(/cannot read the config file.*EACCES/)
  })
})
