export type { FaultProxy, FaultProxyOptions, ProxyFault } from './createFaultProxy.js'
export { createFaultProxy } from './createFaultProxy.js'
export type { ServerProcess, ServerProcessOptions } from './startServerProcess.js'
export { startServerProcess } from './startServerProcess.js'
