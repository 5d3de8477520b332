/**
 * @module @tts/core/config — zod schemas, defaults and bounds shared by client, CLI and edge,
 * with errors that name the field, the problem and what is allowed.
 */
export { DEFAULTS, LIMITS } from './defaults.ts'
export type { EndpointOptions } from './endpoint.ts'
export { endpointBase, isLoopbackHost, parseEndpoint } from './endpoint.ts'
export type { ConfigIssue } from './errors.ts'
export { ConfigError, isConfigError } from './errors.ts'
export { ALLOWED_VALUES, toConfigError } from './format.ts'
export type { ClientConfig, ClientConfigInput } from './schema.ts'
export {
  checkEndpointScheme,
  clientConfigSchema,
  clientConfigShape,
  parseClientConfig,
} from './schema.ts'
