export { tf } from './tf';
export { initBackend, currentBackend, probeBackends, DEVICES, BACKENDS, BROWSER_BACKENDS } from './selectBackend';
export type { Device, BackendName, BackendRequest, BackendReport, CandidateStatus } from './selectBackend';
export { BackendUnavailableError } from './errors';
export { registerSeqrecKernels } from './kernels/registerKernels';
export { mhcKernelsActive, mhcCoefficients, mhcMix, mhcExpand, mhcMerge } from './kernels/mhcOps';
export type { MhcGates } from './kernels/mhcOps';
export { writeVariableRows, writesInPlace } from './variableStorage';
