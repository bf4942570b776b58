import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { Code, Nodes, Root } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'

/**
 * What the HTML comment right before a fence says about the block:
 * - `<!-- snippet: partial (why) -->`: deliberately incomplete, not checked, counted;
 * - `<!-- snippet: browser -->`: needs a page (`document`, `window.location`): run in Chromium, not Node;
 * - `<!-- snippet: output-of <command> -->`: the block is what the command prints;
 * - `<!-- snippet: run-by <path> -->` / `checked-by <path>`: a test at `path` reads this doc and runs or checks the block;
 * - `<!-- example: <path> -->`: the block is the file at `path` (a test that vitest runs).
 */
export type SnippetMarker =
  | { kind: 'partial'; reason: string }
  | { kind: 'browser' }
  | { kind: 'output-of'; command: string }
  | { kind: 'run-by' | 'checked-by'; path: string }
  | { kind: 'example'; path: string }

/** One fenced code block of a Markdown file. */
export interface Snippet {
  /** The Markdown file, relative to the repository root. */
  file: string
  /** The line of the block's first code line in that file (1-based). */
  line: number
  /** The fence's info string's first word, lower-cased (`ts`, `sh`); `''` when there is none. */
  lang: string
  code: string
  marker: SnippetMarker | null
}

/** A marker that does not parse: the checker reports it at its line. */
export class SnippetMarkerError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`)
    this.name = 'SnippetMarkerError'
  }
}

const MARKER = /^<!--\s*(snippet|example):\s*([\s\S]*?)\s*-->$/

function parseMarker(file: string, line: number, comment: string): SnippetMarker | null {
  const match = MARKER.exec(comment.trim())
  if (!match) return null
  const [, key, body = ''] = match
  if (key === 'example') return { kind: 'example', path: body }
  const [word = '', ...rest] = body.split(/\s+/)
  const argument = rest.join(' ')
  switch (word) {
    case 'partial':
      return { kind: 'partial', reason: argument.replace(/^\((.*)\)$/, '$1') }
    case 'browser':
      return { kind: 'browser' }
    case 'output-of':
    case 'run-by':
    case 'checked-by':
      if (argument === '') throw new SnippetMarkerError(file, line, `"snippet: ${word}" needs an argument`)
      return word === 'output-of' ? { kind: 'output-of', command: argument } : { kind: word, path: argument }
    default:
      throw new SnippetMarkerError(
        file,
        line,
        `unknown snippet marker "${word}": use partial, browser, output-of, run-by or checked-by`,
      )
  }
}

/** Every code node of a Markdown tree, in order, each with the HTML node just before it (if any). */
function* codeNodes(node: Nodes, previous: Nodes | null = null): Generator<{ code: Code; before: Nodes | null }> {
  if (node.type === 'code') yield { code: node, before: previous }
  if (!('children' in node)) return
  let before: Nodes | null = null
  for (const child of node.children) {
    yield* codeNodes(child, before)
    before = child
  }
}

/**
 * The fenced code blocks of one Markdown file, with their lines and markers.
 *
 * @example
 * const snippets = collectSnippets('docs/client.md', await readFile('docs/client.md', 'utf8'))
 */
export function collectSnippets(file: string, markdown: string): Snippet[] {
  const tree: Root = fromMarkdown(markdown)
  const snippets: Snippet[] = []
  for (const { code, before } of codeNodes(tree)) {
    const start = code.position?.start.line ?? 1
    // An indented block has no fence line; a fenced one's code starts on the next line.
    const fenced = /^\s{0,3}(```|~~~)/.test(markdown.split('\n')[start - 1] ?? '')
    const adjacent = before?.type === 'html' && (before.position?.end.line ?? 0) === start - 1
    snippets.push({
      file,
      line: fenced ? start + 1 : start,
      lang: (code.lang ?? '').toLowerCase(),
      code: code.value,
      marker:
        adjacent && before.type === 'html'
          ? parseMarker(file, before.position?.start.line ?? start, before.value)
          : null,
    })
  }
  return snippets
}

/** Folders never searched for Markdown. */
const SKIP = new Set(['node_modules', 'dist', 'coverage', 'test-results', '.data', '.git', '.vite'])

/**
 * Every Markdown file under `root` (skipping build output and dependencies), relative to it and sorted.
 *
 * @example
 * const files = await findMarkdownFiles(process.cwd())
 */
export async function findMarkdownFiles(root: string): Promise<string[]> {
  const found: string[] = []
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.name.endsWith('.md')) found.push(relative(root, path))
    }
  }
  await walk(root)
  return found.sort()
}

/**
 * The snippets of every Markdown file under `root`.
 *
 * @example
 * const snippets = await collectAllSnippets(process.cwd())
 */
export async function collectAllSnippets(root: string): Promise<Snippet[]> {
  const files = await findMarkdownFiles(root)
  const all = await Promise.all(
    files.map(async (file) => collectSnippets(file, await readFile(join(root, file), 'utf8'))),
  )
  return all.flat()
}
