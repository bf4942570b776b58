import Module from 'node:module'
import { dirname, sep } from 'node:path'
import { afterAll, inject } from 'vitest'

// The root installs React 19; React 18 sits in the `test/react18` workspace. Vite's resolver
// (see vitest.config.ts) sends the imports it sees there, but CommonJS packages such as
// @testing-library/react and use-sync-external-store call `require('react')` from the root's
// node_modules, which would load React 19 beside 18 and break every hook. Resolving those
// requests as if they came from the workspace gives the whole process one React: 18.
type ModuleInternals = typeof Module & {
  _resolveFilename: (request: string, parent: unknown, ...rest: unknown[]) => string
  _nodeModulePaths: (from: string) => string[]
  _cache: Record<string, unknown>
}

const internals = Module as ModuleInternals
const workspace = inject('react18Workspace')
const anchor = new Module(`${workspace}${sep}package.json`)
anchor.filename = `${workspace}${sep}package.json`
anchor.paths = internals._nodeModulePaths(dirname(anchor.filename))

const reactRequest = /^react(-dom)?(\/|$)/
const resolveFilename = internals._resolveFilename
internals._resolveFilename = function (request, parent, ...rest) {
  return resolveFilename.call(this, request, reactRequest.test(request) ? anchor : parent, ...rest)
}

afterAll(() => {
  // A React loaded from anywhere but the workspace would mean this suite ran against 19.
  const strays = Object.keys(internals._cache).filter(
    (path) => /[\\/]node_modules[\\/]react(-dom)?[\\/]/.test(path) && !path.startsWith(workspace),
  )
  if (strays.length > 0) throw new Error(`React modules loaded from outside test/react18: ${strays.join(', ')}`)
})
