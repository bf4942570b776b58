import { join } from 'node:path'
import ts from 'typescript'

/** A snippet written to disk for the compiler: `path` is the file, `startLine` its first line in the doc. */
export interface SnippetFile {
  path: string
  /** `docs/client.md:12`, the doc line of the file's first line. */
  file: string
  startLine: number
}

/** The compiler options a user's project would have, with `authchart` resolved through its `exports`. */
export const SNIPPET_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    jsx: 'react-jsx',
    skipLibCheck: true,
    allowJs: true,
    checkJs: true,
    noEmit: true,
    types: ['node'],
  },
}

/**
 * Typechecks the snippet files in `dir` (which holds `SNIPPET_TSCONFIG` as `tsconfig.json`) and
 * returns one message per error, placed at the doc's file and line, with the snippet file it is in.
 *
 * @example
 * const errors = typecheckSnippets(dir, files, [join(repo, 'test/docs/thirdParty.d.ts')])
 */
export function typecheckSnippets(
  dir: string,
  files: SnippetFile[],
  extraFiles: string[] = [],
): { path: string | undefined; text: string }[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(dir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
      },
    },
  )
  if (!config) throw new Error(`cannot read ${join(dir, 'tsconfig.json')}`)
  const program = ts.createProgram({ rootNames: [...files.map((f) => f.path), ...extraFiles], options: config.options })
  const byPath = new Map(files.map((f) => [f.path, f]))
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    const source = diagnostic.file
    const snippet = source ? byPath.get(source.fileName) : undefined
    if (!source || diagnostic.start === undefined) return { path: undefined, text: `typecheck: ${message}` }
    const { line } = source.getLineAndCharacterOfPosition(diagnostic.start)
    if (!snippet) return { path: source.fileName, text: `${source.fileName}:${line + 1}: ${message}` }
    return { path: snippet.path, text: `${snippet.file}:${snippet.startLine + line}: TS${diagnostic.code}: ${message}` }
  })
}
