/** The machine and software a benchmark ran on: CPU model, cores, memory, Node, tfjs, seqrec. */
import * as os from 'node:os';
import type { MachineInfo } from './types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const SEQREC_VERSION = (require('../../package.json') as { version: string }).version;

/** Host facts plus the backend summary a worker reported. */
export function machineInfo(backend: { backend: string; tfjsVersion: string; kernels: string[] }): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    totalMemoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
    tfjs: backend.tfjsVersion,
    seqrec: SEQREC_VERSION,
    backend: backend.backend,
    kernels: backend.kernels,
  };
}
