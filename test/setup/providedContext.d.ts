// What vitest.config.ts hands each project through `provide`, read in tests with `inject`.
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The React major a project runs the React suites on. */
    reactMajor: string
    /** Where the React 18 workspace is installed. */
    react18Workspace: string
  }
}
