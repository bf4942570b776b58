import { type AuthClientOptions, type AuthError, createAuthClient, createMemoryStorage } from 'authchart'
import { type ClerkAdapterOptions, createClerkAdapter } from 'authchart/clerk'
import { createFakeClock } from 'authchart/testing'
import { createRecordingLogger } from '../../fixtures/setupClient.js'
import { createFakeClerk, type FakeClerkOptions } from './fakeClerk.js'

export interface SetupClerkOptions {
  fake?: Omit<FakeClerkOptions, 'clock'>
  adapter?: ClerkAdapterOptions
  client?: Partial<AuthClientOptions>
  /** Where the fake clock starts. Default `FAKE_EPOCH`. */
  start?: number
}

/**
 * A client on the Clerk adapter and a fake Clerk, on a fake clock, with memory storage (Clerk
 * owns persistence), jitter fixed, and a sink that records every token it is given.
 *
 * @example
 * const { clock, fake, auth, sinks } = setupClerkClient({ fake: { userId: null } })
 * await clock.flush() // unauthenticated: Clerk has no session
 */
export function setupClerkClient(options: SetupClerkOptions = {}) {
  const clock = createFakeClock(options.start)
  const fake = createFakeClerk({ clock, ...options.fake })
  const eventErrors: AuthError[] = []
  const adapter = createClerkAdapter(fake.clerk, {
    onEventError: (error) => {
      eventErrors.push(error)
    },
    ...options.adapter,
  })
  const storage = createMemoryStorage()
  const { logger, lines } = createRecordingLogger()
  const auth = createAuthClient({ adapter, clock, storage, logger, random: () => 0.5, ...options.client }).start()
  const sinks: Array<string | null> = []
  auth.addTokenSink((token) => {
    sinks.push(token)
  })
  return { clock, fake, adapter, auth, storage, sinks, eventErrors, logLines: lines }
}

/**
 * A client that has restored Clerk's session and settled.
 *
 * @example
 * const { auth } = await restored({ adapter: { template: 'supabase' } })
 * auth.getSnapshot().status // 'authenticated'
 */
export async function restored(options: SetupClerkOptions = {}) {
  const env = setupClerkClient(options)
  await env.clock.advance(options.fake?.latencyMs ?? 0)
  await env.clock.flush()
  if (env.auth.getSnapshot().status !== 'authenticated') {
    throw new Error(`expected authenticated after restore, got ${env.auth.getSnapshot().status}`)
  }
  return env
}
