/** Backend selection for commands: a request that cannot be met is a usage error (exit 2). */
import {
  BackendUnavailableError,
  initBackend,
  type BackendName,
  type BackendReport,
  type Device,
} from '@seqrec/runtime';
import { UsageError } from './errors';

export async function selectBackend(
  device: Device,
  backend: BackendName | undefined,
  log: (line: string) => void,
): Promise<BackendReport> {
  try {
    return await initBackend({ device, ...(backend === undefined ? {} : { backend }), log });
  } catch (error) {
    if (error instanceof BackendUnavailableError) throw new UsageError(error.message);
    throw error;
  }
}
