// @seqrec/files: the Node-only file helpers every seqrec package shares (crash-safe writes of
// files and folders, worker threads started from a module file).
export { writeFileAtomic, atomicTempFileFor, isAtomicTempFileOf } from './writeFileAtomic';
export { writeFileSynced } from './writeFileSynced';
export { withPath } from './withPath';
export { writeDirAtomic, pendingDirs, atomicDirCandidates, resolveAtomicDir } from './atomicDir';
export type { SwapStage, AtomicDirCandidate } from './atomicDir';
export { startWorker } from './startWorker';
export { nodeArgsFromSources } from './typeScriptSources';
