export type {
  FakeAdapter,
  FakeAdapterOptions,
  FakeCredentials,
  FakeOperation,
  FakeOutcome,
} from './createFakeAdapter.js'
export { createFakeAdapter, FakeAuthError } from './createFakeAdapter.js'
export type { FakeClock, FakeClockOptions } from './createFakeClock.js'
export { createFakeClock, FAKE_EPOCH } from './createFakeClock.js'
export { flushMicrotasks } from './flushMicrotasks.js'
export type { FakeTabs } from './createFakeTabs.js'
export { createFakeTabs } from './createFakeTabs.js'
export type { AuthEnvironmentContext, AuthEnvironmentEvent, AuthEnvironmentStep } from './authEnvironmentModel.js'
export { AUTH_ENVIRONMENT_EVENTS, authEnvironmentEvents, authEnvironmentModel } from './authEnvironmentModel.js'
export type { AuthScenario } from './generateAuthScenarios.js'
export { authEnvironmentPaths, generateAuthScenarios } from './generateAuthScenarios.js'
export type { AuthScenarioOptions, AuthWorld, GatedOperation, GateOutcome } from './createAuthWorld.js'
export { createAuthWorld, ScenarioFailure, ScriptedFailure } from './createAuthWorld.js'
export type { AuthCheck, AuthScenarioRunOptions, AuthUserStep, ScenarioStep, ScenarioView } from './runAuthScenario.js'
export { describeScenario, runAuthScenario } from './runAuthScenario.js'
export type { AuthCoverageReport, AuthScenariosOptions } from './runAuthScenarios.js'
export { planAuthScenarios, replayAuthScenario, runAuthScenarios } from './runAuthScenarios.js'
export type { AuthBackend, AuthBackendOption, BackendControl, BackendFailure, BackendMove } from './AuthBackend.js'
export { BACKEND_FAILURES } from './AuthBackend.js'
export type { FakeBackend, FakeBackendOptions } from './createFakeBackend.js'
export { createFakeBackend } from './createFakeBackend.js'
export { STEP_MOVES } from './stepMoves.js'
export type { ChartTransition } from './chartTransitions.js'
export { chartStates, chartTransitions } from './chartTransitions.js'
export type { CoverageRecord } from './recordCoverage.js'
export { recordCoverage } from './recordCoverage.js'
