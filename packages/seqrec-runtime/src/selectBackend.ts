/**
 * Picks the tfjs backend once for every seqrec package.
 *
 * `--device auto|cuda|cpu` says where to compute; `--backend tensorflow|wasm|cpu` pins the tfjs
 * backend. `auto` prefers tfjs-node-gpu, then tfjs-node, then wasm, then cpu, and reports what
 * it chose and why the others were passed over. An explicit request that cannot be met is an
 * error with install advice, never a silent fallback.
 */
import type * as WasmBackend from '@tensorflow/tfjs-backend-wasm';
import { BackendUnavailableError } from './errors';
import { installReleasingGradients } from './autodiff/installReleasingGradients';
import { activateBackendKernels, registerSeqrecKernels } from './kernels/registerKernels';
import { tf } from './tf';

export type Device = 'auto' | 'cuda' | 'cpu';
/** `webgl` runs in a page only; the others in Node (`wasm` and `cpu` in a page too). */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu' | 'webgl';

export const DEVICES: readonly Device[] = ['auto', 'cuda', 'cpu'];
/** The backends of the `--backend` flag (Node). */
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];
/** The backends a page can ask for. */
export const BROWSER_BACKENDS: readonly BackendName[] = ['webgl', 'wasm', 'cpu'];

export interface BackendRequest {
  /** Where to compute. Default `auto`. */
  device?: Device;
  /** A specific tfjs backend; default: chosen from `device`. */
  backend?: BackendName;
  /** Receives one line saying what was chosen (the library itself never prints). */
  log?: (message: string) => void;
  /**
   * Where the tfjs wasm binaries (`tfjs-backend-wasm*.wasm`) are served from, a URL prefix
   * ending in `/` (a page must serve them itself). Default in Node: the installed package.
   */
  wasmPaths?: string;
}

export interface CandidateStatus {
  /** `tfjs-node-gpu`, `tfjs-node`, `wasm` or `cpu`. */
  candidate: Candidate;
  available: boolean;
  /** Why it is not available (or what it is, when it is). */
  detail: string;
}

export interface BackendReport {
  /** The tfjs backend name now active: `tensorflow`, `wasm` or `cpu`. */
  backend: BackendName;
  candidate: Candidate;
  device: 'cuda' | 'gpu' | 'cpu';
  /** What was asked for, for logs. */
  request: { device: Device; backend: BackendName | null };
  /** Every candidate considered, in order of preference. */
  candidates: CandidateStatus[];
  tfjsVersion: string;
  /** seqrec's custom kernels active on this backend (e.g. the wasm SIMD BatchMatMul). */
  kernels: string[];
  /** Custom kernels left out on this backend and why (the stock tfjs kernel runs instead). */
  kernelNotes: string[];
}

type Candidate = 'tfjs-node-gpu' | 'tfjs-node' | 'webgl' | 'wasm' | 'cpu';

/** True under Node (a page, a web worker or Deno without Node compatibility is not). */
const IN_NODE = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

const CUDA_ADVICE =
  '@tensorflow/tfjs-node-gpu 4.x (TensorFlow 2.9) needs Linux x64 with an NVIDIA driver, CUDA 11.2 and cuDNN 8.1: ' +
  'install them, then `npm install @tensorflow/tfjs-node-gpu@4.22.0` (its install script downloads libtensorflow, ' +
  'so it needs network access and must be allowed to run: `npm install-scripts approve @tensorflow/tfjs-node-gpu`).';
const NODE_ADVICE =
  'install `@tensorflow/tfjs-node@4.22.0` (its install script downloads libtensorflow; allow it with ' +
  '`npm install-scripts approve @tensorflow/tfjs-node`).';

let current: BackendReport | null = null;

/** The backend chosen by the last `initBackend`, or null before the first call. */
export function currentBackend(): BackendReport | null {
  return current;
}

function candidatesFor(device: Device, backend: BackendName | undefined): Candidate[] {
  if (device === 'cuda') {
    if (backend !== undefined && backend !== 'tensorflow') {
      throw new BackendUnavailableError(
        `--device cuda needs --backend tensorflow (tfjs-node-gpu); --backend ${backend} cannot use a GPU`,
      );
    }
    return ['tfjs-node-gpu'];
  }
  if (backend === 'tensorflow') return device === 'cpu' ? ['tfjs-node'] : ['tfjs-node-gpu', 'tfjs-node'];
  if (backend === 'wasm') return ['wasm'];
  if (backend === 'cpu') return ['cpu'];
  if (backend === 'webgl') return ['webgl'];
  if (!IN_NODE) return device === 'cpu' ? ['wasm', 'cpu'] : ['webgl', 'wasm', 'cpu'];
  return device === 'cpu' ? ['tfjs-node', 'wasm', 'cpu'] : ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];
}

function packageOf(candidate: Candidate): string {
  return candidate === 'tfjs-node-gpu'
    ? '@tensorflow/tfjs-node-gpu'
    : candidate === 'tfjs-node'
    ? '@tensorflow/tfjs-node'
    : candidate === 'wasm'
    ? '@tensorflow/tfjs-backend-wasm'
    : candidate === 'webgl'
    ? '@tensorflow/tfjs-backend-webgl'
    : '@tensorflow/tfjs-backend-cpu';
}

function isInstalled(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/** Which backends could run here, without loading any of them. For `seqrec info`. */
export function probeBackends(): CandidateStatus[] {
  return (['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as Candidate[]).map((candidate) => {
    const pkg = packageOf(candidate);
    if (!isInstalled(pkg)) {
      const advice = candidate === 'tfjs-node-gpu' ? CUDA_ADVICE : NODE_ADVICE;
      return { candidate, available: false, detail: `${pkg} is not installed; ${advice}` };
    }
    return { candidate, available: true, detail: `${pkg} is installed` };
  });
}

async function tryActivate(candidate: Candidate, wasmPaths: string | undefined): Promise<string | null> {
  const pkg = packageOf(candidate);
  if (candidate === 'webgl') {
    if (IN_NODE) return 'webgl needs a browser';
    // A page that wants webgl imports @tensorflow/tfjs-backend-webgl, which registers itself with
    // the shared tfjs-core (seqrec does not pull it in: most pages use wasm or cpu).
    try {
      return (await tf.setBackend('webgl')) ? null : 'the webgl backend did not initialise (no WebGL here?)';
    } catch (error) {
      return `import '@tensorflow/tfjs-backend-webgl' in the page to use webgl (${(error as Error).message})`;
    }
  }
  if (candidate === 'tfjs-node-gpu' || candidate === 'tfjs-node') {
    if (!isInstalled(pkg)) return `${pkg} is not installed`;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(pkg);
    } catch (error) {
      return `${pkg} is installed but failed to load: ${(error as Error).message.split('\n')[0]}`;
    }
    if (tf.findBackend('tensorflow') == null) {
      return `${pkg} loaded its own copy of @tensorflow/tfjs-core; install versions matching ${tf.version_core}`;
    }
    return (await tf.setBackend('tensorflow')) ? null : `${pkg} loaded but the tensorflow backend did not initialise`;
  }
  if (candidate === 'wasm') {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof WasmBackend;
      // Load the .wasm binaries from the installed package (Node) or where the page says, never from a CDN.
      const paths =
        wasmPaths ??
        (IN_NODE
          ? require.resolve('@tensorflow/tfjs-backend-wasm/package.json').replace(/package\.json$/, 'dist/')
          : undefined);
      if (paths === undefined) return 'in a page, the wasm backend needs wasmPaths (where its .wasm files are served)';
      wasm.setWasmPaths(paths);
    } catch (error) {
      return `wasm backend failed to load: ${(error as Error).message}`;
    }
    return (await tf.setBackend('wasm')) ? null : 'the wasm backend did not initialise (no WebAssembly?)';
  }
  return (await tf.setBackend('cpu')) ? null : 'the cpu backend did not initialise';
}

/**
 * Selects and initialises the backend. Safe to call again: a new request switches backends
 * (tests use this to run the same code on cpu and wasm).
 */
export async function initBackend(request: BackendRequest = {}): Promise<BackendReport> {
  const device = request.device ?? 'auto';
  if (!DEVICES.includes(device)) {
    throw new BackendUnavailableError(`unknown --device '${String(device)}' (expected one of ${DEVICES.join(', ')})`);
  }
  const known = IN_NODE ? BACKENDS : BROWSER_BACKENDS;
  if (request.backend !== undefined && !known.includes(request.backend)) {
    throw new BackendUnavailableError(
      `unknown --backend '${String(request.backend)}' (expected one of ${known.join(', ')})`,
    );
  }
  registerSeqrecKernels();
  const order = candidatesFor(device, request.backend);
  const statuses: CandidateStatus[] = [];
  for (const candidate of order) {
    const failure = await tryActivate(candidate, request.wasmPaths);
    statuses.push({ candidate, available: failure === null, detail: failure ?? `${packageOf(candidate)} active` });
    if (failure !== null) continue;
    const backendName = tf.getBackend();
    const kernels = activateBackendKernels(backendName, tf.backend());
    const gradients = installReleasingGradients();
    const active = {
      kernels: gradients.active === null ? kernels.kernels : [...kernels.kernels, gradients.active],
      notes: gradients.note === null ? kernels.notes : [...kernels.notes, gradients.note],
    };
    current = {
      backend: backendName as BackendName,
      candidate,
      device: candidate === 'tfjs-node-gpu' ? 'cuda' : candidate === 'webgl' ? 'gpu' : 'cpu',
      request: { device, backend: request.backend ?? null },
      candidates: statuses,
      tfjsVersion: tf.version_core,
      kernels: active.kernels,
      kernelNotes: active.notes,
    };
    if (request.log) {
      const skipped = statuses.filter((s) => !s.available).map((s) => `${s.candidate}: ${s.detail}`);
      request.log(
        `backend: ${current.backend} (${candidate}, device ${device})` +
          (skipped.length > 0 ? `; passed over ${skipped.join('; ')}` : '') +
          (active.notes.length > 0 ? `; ${active.notes.join('; ')}` : ''),
      );
    }
    return current;
  }
  const reasons = statuses.map((s) => `${s.candidate}: ${s.detail}`).join('; ');
  if (device === 'cuda')
    throw new BackendUnavailableError(`--device cuda is not available (${reasons}). ${CUDA_ADVICE}`);
  if (request.backend === 'tensorflow') {
    throw new BackendUnavailableError(`--backend tensorflow is not available (${reasons}); ${NODE_ADVICE}`);
  }
  throw new BackendUnavailableError(`no tfjs backend could be initialised (${reasons})`);
}
