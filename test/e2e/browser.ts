import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest'
import { startDemo, type Demo, type DemoOptions } from '../../examples/demo/startDemo.js'
import { chromiumMissing, chromiumPath, launchProfile, type Profile } from './launchProfile.js'

export { chromiumPath, launchProfile, type Profile }

/**
 * `describe` for the browser tests. Without Chromium they are skipped with the reason in their
 * name, except in CI (`CI=true`), where a missing browser must fail the run rather than pass it
 * by skipping: the tests run and `launchProfile` throws.
 */
export const describeInBrowser: typeof describe =
  chromiumMissing && process.env.CI !== 'true'
    ? (((name: string, ...rest: unknown[]) =>
        (describe.skip as (...args: unknown[]) => void)(
          `${name} (skipped: no Chromium at ${chromiumPath}; apt-get install chromium)`,
          ...rest,
        )) as unknown as typeof describe)
    : describe

/** Bounded waits for page state; no test sleeps a fixed time. */
export const WAIT = { timeout: 15_000 }

/** The demo on a free port of 127.0.0.1, on a fresh store that `close` removes. */
export async function startTestDemo(options: DemoOptions = {}): Promise<Demo> {
  const dataDir = await mkdtemp(join(tmpdir(), 'authchart-e2e-store-'))
  const logged: string[] = []
  const demo = await startDemo({ dataDir, log: (line) => logged.push(line), ...options })
  return {
    ...demo,
    async close() {
      await demo.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** What {@link useDemoWithProfiles} and {@link useDemoWithProfile} set up: read it inside tests and hooks. */
export interface DemoWithProfiles {
  demo: Demo
  profile: Profile
}

function registerDemoAndProfile(
  options: DemoOptions,
  profilePerTest: boolean,
  prepare?: (profile: Profile) => Promise<void>,
): DemoWithProfiles {
  const env = {} as DemoWithProfiles
  const openProfile = async () => {
    env.profile = await launchProfile()
    await prepare?.(env.profile)
  }
  beforeAll(async () => {
    env.demo = await startTestDemo(options)
    if (!profilePerTest) await openProfile()
  }, 60_000)
  afterAll(async () => {
    if (!profilePerTest) await env.profile?.close()
    await env.demo?.close()
  })
  if (profilePerTest) {
    beforeEach(openProfile, 60_000)
    afterEach(async () => {
      await env.profile?.close()
    })
  }
  return env
}

/**
 * Registers the set-up the suites with several tabs share: one demo for the file, and a fresh
 * browser profile per test, so a test that fails half-way leaves nothing signed in for the next.
 * `prepare` runs on each new profile (init scripts that remove platform APIs, for instance).
 *
 * @example
 * const env = useDemoWithProfiles({ accessTokenTtl: 12 })
 * it('restores', async () => {
 *   const tab = await openTab(env.profile, env.demo.url, 'unauthenticated')
 * })
 */
export function useDemoWithProfiles(
  options: DemoOptions = {},
  prepare?: (profile: Profile) => Promise<void>,
): DemoWithProfiles {
  return registerDemoAndProfile(options, true, prepare)
}

/**
 * The same with one profile for the whole file, for suites whose tests build on each other.
 *
 * @example
 * const env = useDemoWithProfile()
 * it('signs in', async () => {
 *   const page = await openTab(env.profile, env.demo.url, 'unauthenticated')
 * })
 */
export function useDemoWithProfile(options: DemoOptions = {}): DemoWithProfiles {
  return registerDemoAndProfile(options, false)
}

/** Opens a tab of `profile` at `url` and waits until its client settles in `status`. */
export async function openTab(profile: Profile, url: string, status: string): Promise<Page> {
  const tab = await profile.context.newPage()
  await tab.goto(url)
  await waitForStatus(tab, status)
  return tab
}

/** The text of an element of the demo page, by its `data-testid`. */
export const testId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`)

/** Waits until the page's session status is `status`. */
export async function waitForStatus(page: Page, status: string) {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="status"]')?.textContent === want,
    status,
    WAIT,
  )
}

type DemoWindow = {
  demo: {
    auth: {
      getSnapshot(): { claims: Readonly<Record<string, unknown>> | null }
      addTokenSink(sink: (token: string | null) => void): () => void
    }
  }
}

/**
 * Which access token the page's client holds, by its `jti` claim (null when signed out). The
 * reference server gives every token it signs a fresh random `jti`, so equal ids are the same
 * token and a new id is a new token; the id is no secret and may be printed.
 */
export const heldTokenId = (page: Page) =>
  page.evaluate(() => {
    const jti = (window as unknown as DemoWindow).demo.auth.getSnapshot().claims?.jti
    return typeof jti === 'string' ? jti : null
  })

/**
 * The access token the page's client holds, read as an app reads it: a token sink receives the
 * current token as soon as it is added (unlike `getToken()`, it never waits for a due refresh).
 * For tests that must present the token themselves; never print it.
 */
export const currentToken = (page: Page) =>
  page.evaluate(() => {
    let token: string | null = null
    const remove = (window as unknown as DemoWindow).demo.auth.addTokenSink((value) => {
      token = value
    })
    remove()
    return token as string | null
  })

/** Every token the server handed to a profile's tabs, from the bodies of its token responses. */
export interface IssuedTokens {
  /** Waits for the bodies still being read, then lists every access and refresh token seen. */
  all(): Promise<{ access: string[]; refresh: string[] }>
  /** The refresh token of the latest successful sign-in or refresh. */
  latestRefreshToken(): Promise<string | null>
}

/**
 * Records the tokens of every successful `POST /auth/login` and `POST /auth/refresh` answer that
 * reaches a tab of `profile`, as the REST adapter reads them (`access_token`, `refresh_token`).
 * A body that cannot be read fails `all()`, so no token goes unrecorded without the test knowing.
 *
 * @example
 * const issued = recordIssuedTokens(env.profile)
 * await signIn(tab)
 * const { access, refresh } = await issued.all()
 */
export function recordIssuedTokens(profile: Profile): IssuedTokens {
  const access: string[] = []
  const refresh: string[] = []
  let latest: string | null = null
  const reading: Promise<void>[] = []
  profile.context.on('response', (response) => {
    const { pathname } = new URL(response.url())
    const request = response.request()
    if (request.method() !== 'POST' || !/^\/auth\/(login|refresh)$/.test(pathname) || response.status() !== 200) return
    reading.push(
      response.json().then((body: unknown) => {
        const { access_token: accessToken, refresh_token: refreshToken } = (body ?? {}) as Record<string, unknown>
        if (typeof accessToken !== 'string') throw new Error(`POST ${pathname} answered 200 without an access_token`)
        access.push(accessToken)
        if (typeof refreshToken === 'string') {
          refresh.push(refreshToken)
          latest = refreshToken
        }
      }),
    )
  })
  const settle = async () => {
    // Responses that arrive while it waits add readers; wait until none is left.
    for (let done = 0; done < reading.length;) {
      const batch = reading.slice(done)
      done = reading.length
      await Promise.all(batch)
    }
  }
  return {
    async all() {
      await settle()
      return { access: [...access], refresh: [...refresh] }
    },
    async latestRefreshToken() {
      await settle()
      return latest
    },
  }
}

/** Signs in with the demo form (ada@example.com / lovelace is filled in). */
export async function signIn(page: Page) {
  await page.getByRole('button', { name: 'Sign in' }).click()
  await waitForStatus(page, 'authenticated')
}
