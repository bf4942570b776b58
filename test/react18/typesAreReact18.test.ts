import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { expect, it } from 'vitest'

// `tsconfig.json` here maps React's entry points to @types/react 18 one by one; an import it
// does not map would quietly resolve to the root's @types/react 19 and type-check against that.
it('the React 18 typecheck (tsc -p test/react18) loads no React types but version 18', () => {
  const configPath = fileURLToPath(new URL('./tsconfig.json', import.meta.url))
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
      },
    },
  )
  if (!config) throw new Error(`could not read ${configPath}`)
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options })
  const reactTypes = program
    .getSourceFiles()
    .map((file) => file.fileName)
    .filter((name) => /\/node_modules\/@types\/react(-dom)?\//.test(name))
  expect(reactTypes.length).toBeGreaterThan(0)
  expect(reactTypes.filter((name) => !name.includes('/test/react18/node_modules/'))).toEqual([])
})
