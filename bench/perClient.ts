// `npm run bench:client`: only the per-client cost (heap per signed-in client, CPU to create and
// sign in one), for comparing a change before and after without the whole `npm run bench`.
import { benchCpuPerClient, benchHeapPerClient } from './memory.js'

const heap = await benchHeapPerClient(200)
const cpu = await benchCpuPerClient(1_000)
console.log(
  JSON.stringify({
    heapKb: Number(heap.perClientKb.toFixed(1)),
    cpuMs: Number(cpu.cpuMs.toFixed(3)),
    wallMs: Number(cpu.wallMs.toFixed(3)),
  }),
)
