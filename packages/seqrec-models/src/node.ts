// @seqrec/models/node: saving and loading models on disk (Node only). The root entry
// `@seqrec/models` is browser-safe (a page uses loadModelFromUrl).
export { saveModel, loadModel, loadWeightsInto, readSavedConfig } from './saveLoad';
