import { mkdtempSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import { chromiumMissing } from '../e2e/launchProfile.js'
import { checkSnippets } from './checkSnippets.js'
import { collectSnippets } from './collectSnippets.js'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const docsRoot = mkdtempSync(join(tmpdir(), 'authchart-snippets-'))
afterAll(() => rm(docsRoot, { recursive: true, force: true }))

const fence = (lang: string, code: string) => `\`\`\`${lang}\n${code}\n\`\`\``

it('reads each fence with its language, its first code line and the marker right before it', () => {
  const markdown = [
    '# A page', // 1
    '', // 2
    '<!-- snippet: partial (an excerpt) -->', // 3
    fence('ts', 'const a = 1'), // 4-6
    '', // 7
    '- in a list:', // 8
    '', // 9
    '  ```sh', // 10
    '  npm test', // 11
    '  ```', // 12
  ].join('\n')
  expect(collectSnippets('page.md', markdown)).toEqual([
    { file: 'page.md', line: 5, lang: 'ts', code: 'const a = 1', marker: { kind: 'partial', reason: 'an excerpt' } },
    { file: 'page.md', line: 11, lang: 'sh', code: 'npm test', marker: null },
  ])
})

it('fails each broken block at its file and line, and counts what it checked, ran and skipped', async () => {
  const markdown = [
    '# Broken', // 1
    fence('ts', "const port: number = 'eighty'"), // 2-4: a type error on line 3
    fence('ts', "console.log('fine')\nthrow new Error('boom at run time')"), // 5-8: throws on line 7
    fence('sh', 'npm ci\nnpm run no-such-script'), // 9-12: line 11
    '<!-- snippet: partial (shown for its shape) -->', // 13
    fence('ts', 'this is not TypeScript'), // 14-16
    fence('html', '<p>hi</p>'), // 17-19: a language it cannot check
    fence('json', '{ "ok": true }'), // 20-22
    fence('ts', 'console.log(1 + 1) // 3'), // 23-25: prints 2, not what the comment says
    fence('ts', "console.log('o' + 'k') // 'ok'"), // 26-28: prints what it says
    '<!-- snippet: browser -->', // 29
    fence('ts', "document.title = 'page'\nthrow new Error('broken in the page')"), // 30-33: fails in Chromium
  ].join('\n')
  writeFileSync(join(docsRoot, 'broken.md'), markdown)

  const report = await checkSnippets({ repoRoot, docsRoot, routes: {} })

  const failures = report.failures.map((failure) => failure.split('\n')[0])
  // Without Chromium (outside CI) the page block is only typechecked, and says why.
  const inChromium = !chromiumMissing || process.env.CI === 'true'
  expect(failures).toHaveLength(inChromium ? 6 : 5)
  if (inChromium) {
    expect(failures).toContain('broken.md:31: the block failed in Chromium:')
    expect(report.failures.find((failure) => failure.startsWith('broken.md:31'))).toMatch(/broken in the page/)
  }
  expect(failures).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^broken\.md:3: TS2322: Type 'string' is not assignable to type 'number'/),
      expect.stringMatching(/^broken\.md:7: the block failed when run \(exit 1\)/),
      expect.stringMatching(/^broken\.md:11: npm run no-such-script: no such script in package\.json/),
      expect.stringMatching(/^broken\.md:18: a `html` block the checker cannot check/),
      expect.stringMatching(/^broken\.md:24: the block failed when run/),
    ]),
  )
  expect(report.failures.find((failure) => failure.startsWith('broken.md:7'))).toMatch(/boom at run time/)
  expect(report.failures.find((failure) => failure.startsWith('broken.md:24'))).toMatch(
    /the comment says this prints "3", but it printed "2"/,
  )
  const results = report.outcomes.map((outcome) => `${outcome.snippet.line} ${outcome.result}`)
  expect(results).toEqual(['15 partial', '21 checked', '27 run', ...(inChromium ? [] : ['31 checked'])])
}, 60_000)
