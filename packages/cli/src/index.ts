/**
 * @module @tts/cli — the `tts` command's parts as plain functions, for scripting and tests:
 * each command takes a context (`createContext`) and its options and resolves to its result.
 */

export { run } from './cli/index.ts'
export { type CacheStatsResult, cachePurge, cacheStats } from './commands/cache.ts'
export { type ClearResult, clear } from './commands/clear.ts'
export { configSet, configShow, type ShownConfig } from './commands/config.ts'
export { type Check, type DoctorResult, doctor } from './commands/doctor.ts'
export { type ApiKeyEntry, keysCreate } from './commands/keys.ts'
export { type SayOptions, type SayResult, say } from './commands/say.ts'
export { checkEdge, type SetupOptions, type SetupResult, setup } from './commands/setup.ts'
export { type WarmOptions, type WarmResult, warm } from './commands/warm.ts'
export {
  type CliConfig,
  configFilePath,
  loadConfig,
  parseCliConfig,
  saveConfig,
} from './config/index.ts'
export { type CliContext, type ContextOptions, createContext } from './context/index.ts'
export { isUserError, UserError } from './errors/index.ts'
export { createKeyStore, type KeychainBackend, type KeyStore, osKeychain } from './secrets/index.ts'
