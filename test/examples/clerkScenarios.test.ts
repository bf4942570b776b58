// docs/testing.md: the Clerk adapter against its fake (Clerk's cache semantics) under generated
// scenarios. Clerk owns the session: no refresh token, no store to lose, no restart.
import { createClerkAdapter } from 'authchart/clerk'
import { type FakeClock, runAuthScenarios } from 'authchart/testing'
import { expect, it } from 'vitest'
import { createFakeClerk } from '../adapters/clerk/fakeClerk.js'

const failures = { '5xx': 503, '429': 429, drop: 'network', reset: 'network', commitThenLose: 'network' } as const

it('the Clerk adapter under generated scenarios', async () => {
  const report = await runAuthScenarios({
    backend: ({ clock }: { clock: FakeClock }) => {
      // Hour-long tokens: the model's steps wait out backoffs and timeouts that a 60 s token would not outlive.
      const fake = createFakeClerk({
        clock,
        userId: null,
        tokenTtlSeconds: 3600,
        sessionClaims: (d) => ({ ...d.publicMetadata }),
      })
      return {
        adapter: createClerkAdapter(fake.clerk),
        credentials: async () => fake.signInAs('user_1'), // what Clerk's <SignIn /> does
        time: 'scenario',
        control: {
          revokeSession: () => fake.backend.revokeSession(),
          changeClaims: (claims) => fake.backend.updateUserMetadata(claims),
          failNext: (count, failure) => fake.failNext('mint', ...Array(count).fill(failures[failure])),
        },
      }
    },
    // The kit tells tokens apart by their claims; two Clerk tokens minted in the same second
    // carry the same ones, so "the reload got a new token" cannot be seen.
    exclude: ['page.reloadsWithRevokedAccessToken'],
    timeBudgetMs: 30_000,
  })
  console.log(report.summary)
  expect(report.transitions.covered).toBeGreaterThanOrEqual(30)
}, 60_000)
