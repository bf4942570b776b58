// A custom adapter whose errors quote the session's tokens (in the message, in a field, down the
// cause chain): none of them reaches snapshot.error, the `error` event or a rejected promise.
import { inspect } from 'node:util'
import {
  AdapterError,
  type AuthAdapter,
  type AuthError,
  createAuthClient,
  createMemoryStorage,
  type Session,
} from 'authchart'
import { createFakeClock } from 'authchart/testing'
import { expect, it } from 'vitest'
import { HOUR } from '../fixtures/setupClient.js'

// Opaque access and refresh tokens: the JWT pattern of the messages' redaction does not catch
// them. The ID token (where the claims come from) is a JWT.
const ACCESS = 'opaque-access-7f3a9c1e5b'
const REFRESH = 'opaque-refresh-2d8e4f6a0c'
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const ID_TOKEN = `${part({ alg: 'none' })}.${part({ sub: 'ada', iat: 1, exp: 4_000_000_000 })}.`

class VendorError extends Error {
  readonly status: number
  readonly body: unknown
  constructor(message: string, status: number, body: unknown, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'VendorError'
    this.status = status
    this.body = body
  }
}

// An SDK that echoes what it sent: the refresh token in its message, the access token in a body
// field, the ID token in a nested cause.
function leakyError(session: Session, status: number, freeze = false): VendorError {
  const inner = new Error(`upstream said no to id_token_hint=${session.idToken ?? ''}`)
  const error = new VendorError(
    `POST /token refresh_token=${session.refreshToken ?? ''} failed`,
    status,
    { request: { headers: { authorization: `Bearer ${session.accessToken}` } }, tokens: [session.refreshToken] },
    { cause: inner },
  )
  return freeze ? Object.freeze(error) : error
}

function setup(behaviour: { status: number; freeze?: boolean }) {
  const clock = createFakeClock()
  const adapter: AuthAdapter<null> = {
    name: 'leaky',
    async signIn(_credentials, { now }) {
      return {
        accessToken: ACCESS,
        refreshToken: REFRESH,
        idToken: ID_TOKEN,
        expiresAt: now() + HOUR,
        user: { id: 'ada' },
      }
    },
    async refresh(session) {
      throw leakyError(session, behaviour.status, behaviour.freeze)
    },
    async signOut(session) {
      throw leakyError(session, behaviour.status, behaviour.freeze)
    },
  }
  const auth = createAuthClient({ adapter, clock, storage: createMemoryStorage(), random: () => 0.5 }).start()
  const events: AuthError[] = []
  auth.on('error', ({ error }) => events.push(error))
  return { auth, clock, events }
}

// Everything a caller can reach from the error: message, stack, fields, the whole cause chain.
function expectNoToken(value: unknown) {
  const text = inspect(value, { depth: 20, showHidden: true, getters: true })
  for (const token of [ACCESS, REFRESH, ID_TOKEN]) expect(text).not.toContain(token)
}

it('a transient refresh failure quoting every token leaks none: snapshot, error event, rejected refresh()', async () => {
  const { auth, clock, events } = setup({ status: 503 })
  await clock.flush()
  await auth.signIn(null)
  const refusal = await auth.refresh({ force: true }).then(
    () => null,
    (error: unknown) => error,
  )
  expect(refusal).toBeInstanceOf(AdapterError)
  expect((refusal as AdapterError).kind).toBe('transient')
  // Redacted, not dropped: the vendor's error and its status are still there for the app.
  const cause = (refusal as AdapterError).cause as VendorError
  expect(cause).toBeInstanceOf(VendorError)
  expect(cause.status).toBe(503)
  expect(cause.message).toBe('POST /token refresh_token=[redacted token] failed')
  expectNoToken(refusal)
  expect(auth.getSnapshot().error).not.toBeNull()
  expectNoToken(auth.getSnapshot().error)
  expect(events.length).toBeGreaterThan(0)
  for (const event of events) expectNoToken(event)
  auth.stop()
})

it('a refusal (401) that ends the session leaks no token through SessionExpiredError', async () => {
  const { auth, clock, events } = setup({ status: 401 })
  await clock.flush()
  await auth.signIn(null)
  const refusal = await auth.refresh({ force: true }).then(
    () => null,
    (error: unknown) => error,
  )
  expect(refusal).not.toBeNull()
  expectNoToken(refusal)
  expect(auth.getSnapshot().status).toBe('expired')
  expectNoToken(auth.getSnapshot().error)
  for (const event of events) expectNoToken(event)
  auth.stop()
})

it('a frozen error that cannot be redacted is dropped, keeping its classification', async () => {
  const { auth, clock, events } = setup({ status: 401, freeze: true })
  await clock.flush()
  await auth.signIn(null)
  const refusal = await auth.refresh({ force: true }).then(
    () => null,
    (error: unknown) => error,
  )
  expectNoToken(refusal)
  expect(auth.getSnapshot().status).toBe('expired')
  expect(auth.getSnapshot().error?.message).toMatch(/could not be redacted/)
  expectNoToken(auth.getSnapshot().error)
  for (const event of events) expectNoToken(event)
  auth.stop()
})

it('a failed sign-out quoting the tokens leaks none', async () => {
  const { auth, clock, events } = setup({ status: 503 })
  await clock.flush()
  await auth.signIn(null)
  await auth.signOut().catch((error: unknown) => expectNoToken(error))
  await clock.flush()
  expect(auth.getSnapshot().status).toBe('unauthenticated')
  expectNoToken(auth.getSnapshot().error)
  expect(events.length).toBeGreaterThan(0)
  for (const event of events) expectNoToken(event)
  auth.stop()
})
