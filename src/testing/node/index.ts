export type { FaultProxy, FaultProxyOptions, ProxyFault } from './createFaultProxy.js'
export { createFaultProxy } from './createFaultProxy.js'
