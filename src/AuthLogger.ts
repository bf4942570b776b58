/**
 * Where the client writes what a developer should know (a memory-storage fallback, a failure).
 * It is only ever given messages and error codes, never a token.
 */
export interface AuthLogger {
  warn(message: string): void
  error(message: string): void
}

/**
 * The default logger: the console, prefixed with `[authchart]`.
 *
 * @example
 * createAuthClient({ adapter, logger: consoleLogger })
 */
export const consoleLogger: AuthLogger = {
  warn: (message) => console.warn(`[authchart] ${message}`),
  error: (message) => console.error(`[authchart] ${message}`),
}
