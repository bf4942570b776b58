import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { ConsoleMessage, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeInBrowser, launchProfile, type Profile, WAIT } from './browser.js'
import { serveVanillaExample, type VanillaExampleServer } from './serveVanillaExample.js'

// docs/adapters/vanilla.md's complete page, run as written in Chromium against the package built
// by `tsc -p tsconfig.build.json`, with a fake REST backend behind it. The page is read from the
// doc at test time: when the doc's page breaks, this test fails.

const repo = fileURLToPath(new URL('../../', import.meta.url))
const DOC = join(repo, 'docs/adapters/vanilla.md')
const STORAGE_KEY = 'authchart.session'

/** The one ```html block of the doc that is a whole page (it has the import map). */
async function pageFromDoc(): Promise<string> {
  const markdown = await readFile(DOC, 'utf8')
  const blocks = [...markdown.matchAll(/^```html\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '')
  const pages = blocks.filter((block) => block.includes('<script type="importmap">') && block.includes('</html>'))
  if (pages.length !== 1) throw new Error(`${DOC}: expected one complete html page, found ${pages.length}`)
  return pages[0] as string
}

/** Builds the package as the doc says (`tsc -p tsconfig.build.json`), into `outDir`. */
async function build(outDir: string) {
  const tsc = join(repo, 'node_modules/typescript/bin/tsc')
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: repo })
}

/** What the page shows: the status line, who is signed in, and which controls are visible. */
const layout = (page: Page) =>
  page.evaluate(() => {
    const el = (selector: string) => document.querySelector(selector) as HTMLElement
    return {
      status: el('#status').textContent,
      dataAuthStatus: el('#status').dataset.authStatus ?? null,
      who: el('#who').textContent,
      signInForm: !el('#sign-in').hidden,
      signOutButton: !el('#sign-out').hidden,
      ordersButton: !el('#orders').hidden,
    }
  })

const signedOut = { who: '', signInForm: true, signOutButton: false, ordersButton: false }
const signedIn = (email: string) => ({
  status: 'authenticated',
  dataAuthStatus: 'authenticated',
  who: `Signed in as ${email}`,
  signInForm: false,
  signOutButton: true,
  ordersButton: true,
})

describeInBrowser('docs/adapters/vanilla.md: the complete page, built package, real Chromium', () => {
  let tmp: string
  let server: VanillaExampleServer
  let profile: Profile

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'authchart-vanilla-example-'))
    const distDir = join(tmp, 'dist')
    const [html] = await Promise.all([
      pageFromDoc(),
      build(distDir),
      launchProfile().then((launched) => (profile = launched)),
    ])
    server = await serveVanillaExample({ html, distDir, nodeModules: join(repo, 'node_modules') })
  }, 120_000)
  afterAll(async () => {
    await profile?.close()
    await server?.close()
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  it('restores, shows a rejected sign-in, signs in, fetches with the bearer, signs out', async () => {
    const page = await profile.context.newPage()
    const problems: { kind: string; text: string; url: string }[] = []
    page.on('pageerror', (error) => problems.push({ kind: 'pageerror', text: String(error), url: '' }))
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        problems.push({ kind: `console.${message.type()}`, text: message.text(), url: message.location().url })
      }
    })
    const api = () => server.requests().filter((request) => request.path.startsWith('/api/'))
    const notable = () =>
      server.requests().filter((request) => request.path.startsWith('/api/') || request.status >= 400)

    /** Waits until the page's layout has `want`'s fields; on a timeout, says what the page showed. */
    async function waitForLayout(what: string, want: Record<string, unknown>, statusPattern?: RegExp) {
      try {
        await page.waitForFunction(
          ({ status, pattern }) => {
            const text = document.querySelector('#status')?.textContent ?? ''
            return pattern ? new RegExp(pattern).test(text) : text === status
          },
          { status: want.status as string | undefined, pattern: statusPattern?.source },
          WAIT,
        )
      } catch (error) {
        throw new Error(
          `${what}: not reached in ${WAIT.timeout} ms. Page: ${JSON.stringify(await layout(page).catch(String))}; ` +
            `problems: ${JSON.stringify(problems)}; API calls and failed requests: ${JSON.stringify(notable())}`,
          { cause: error },
        )
      }
      expect(await layout(page), what).toMatchObject(want)
    }
    const storedSession = () => page.evaluate((key) => localStorage.getItem(key) !== null, STORAGE_KEY)
    const signInWith = async (password: string) => {
      await page.locator('#sign-in input[name="email"]').fill(server.account.email)
      await page.locator('#sign-in input[name="password"]').fill(password)
      await page.getByRole('button', { name: 'Sign in' }).click()
    }
    const loadOrders = async () => {
      await page.getByRole('button', { name: 'Load my orders' }).click()
      await page.waitForFunction(() => (document.querySelector('#out')?.textContent ?? '') !== '', undefined, WAIT)
      return JSON.parse((await page.locator('#out').textContent()) ?? '') as unknown
    }

    // First visit: nothing stored, the restore ends unauthenticated, the signed-out layout shows.
    await page.goto(server.url)
    await waitForLayout('first load', { status: 'unauthenticated', dataAuthStatus: 'unauthenticated', ...signedOut })

    // A wrong password: the server answers 401, the status line shows snapshot.error's message.
    await signInWith('not-the-password')
    await waitForLayout('rejected sign-in', { dataAuthStatus: 'unauthenticated', ...signedOut }, /^unauthenticated \(/)
    expect((await layout(page)).status).toMatch(/^unauthenticated \(.*rejected.*: \/api\/login: HTTP 401\)$/)
    expect(api()).toEqual([{ method: 'POST', path: '/api/login', status: 401, bearer: 'none' }])
    expect(await storedSession()).toBe(false)

    // The right password: signed in, the session stored in localStorage.
    await signInWith(server.account.password)
    await waitForLayout('sign-in', signedIn(server.account.email))
    expect(await storedSession()).toBe(true)

    // auth.fetch sends the current access token as a bearer; the server answers the orders.
    expect(await loadOrders()).toEqual(server.orders)
    expect(api().at(-1)).toEqual({ method: 'GET', path: '/api/orders', status: 200, bearer: 'valid' })

    // A reload restores the stored session: signed in again with no new sign-in, and its token
    // still opens the orders.
    await page.reload()
    await waitForLayout('restore after reload', signedIn(server.account.email))
    expect(await loadOrders()).toEqual(server.orders)

    // Sign-out: the signed-out layout, the stored session gone.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await waitForLayout('sign-out', { status: 'unauthenticated', dataAuthStatus: 'unauthenticated', ...signedOut })
    expect(await storedSession()).toBe(false)

    // Every API call, in order: one rejected and one accepted sign-in (none on the reload), no
    // refresh (the token lives an hour), and both orders requests with the valid bearer.
    expect(api()).toEqual([
      { method: 'POST', path: '/api/login', status: 401, bearer: 'none' },
      { method: 'POST', path: '/api/login', status: 200, bearer: 'none' },
      { method: 'GET', path: '/api/orders', status: 200, bearer: 'valid' },
      { method: 'GET', path: '/api/orders', status: 200, bearer: 'valid' },
    ])
    // Every file the import map names, and every module those import, was found.
    expect(notable().filter((request) => !request.path.startsWith('/api/'))).toEqual([])

    // No script error and no console error or warning, but one: Chromium logs every HTTP error
    // response to fetch() as "Failed to load resource" at the console, error level. The rejected
    // sign-in's 401 is that, and is the only one expected: matched by its text and its URL.
    const expected401 = (problem: (typeof problems)[number]) =>
      problem.kind === 'console.error' &&
      problem.text.startsWith('Failed to load resource: the server responded with a status of 401') &&
      problem.url === new URL('/api/login', server.url).href
    expect(problems.filter(expected401)).toHaveLength(1)
    expect(problems.filter((problem) => !expected401(problem))).toEqual([])
    await page.close()
  }, 90_000)
})
