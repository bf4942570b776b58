export type {
  FakeAdapter,
  FakeAdapterOptions,
  FakeCredentials,
  FakeOperation,
  FakeOutcome,
} from './createFakeAdapter.js'
export { createFakeAdapter, FakeAuthError } from './createFakeAdapter.js'
export type { FakeClock } from './createFakeClock.js'
export { createFakeClock, FAKE_EPOCH } from './createFakeClock.js'
export { flushMicrotasks } from './flushMicrotasks.js'
export type { FakeTabs } from './createFakeTabs.js'
export { createFakeTabs } from './createFakeTabs.js'
