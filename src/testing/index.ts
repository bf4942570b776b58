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
export type { AuthEnvironmentContext, AuthEnvironmentEvent } from './authEnvironmentModel.js'
export { AUTH_ENVIRONMENT_EVENTS, authEnvironmentEvents, authEnvironmentModel } from './authEnvironmentModel.js'
export type { AuthScenario } from './generateAuthScenarios.js'
export { authEnvironmentPaths, generateAuthScenarios } from './generateAuthScenarios.js'
export type { AuthScenarioOptions, AuthWorld } from './createAuthWorld.js'
export { createAuthWorld, ScenarioFailure } from './createAuthWorld.js'
export { describeScenario, runAuthScenario } from './runAuthScenario.js'
export type { ChartTransition } from './chartTransitions.js'
export { chartStates, chartTransitions } from './chartTransitions.js'
export type { CoverageRecord } from './recordCoverage.js'
export { recordCoverage } from './recordCoverage.js'
export type { DrawChartOptions } from './drawChart.js'
export { drawChart, stateIdsOf } from './drawChart.js'
export type { ChartCoverage } from './writeCoverageReport.js'
export { coverageReportHtml, writeCoverageReport } from './writeCoverageReport.js'
export type { InspectedTransition } from './transitionKeyOf.js'
export { transitionKeyOf } from './transitionKeyOf.js'
