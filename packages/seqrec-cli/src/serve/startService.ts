/**
 * A running recommendation service for one train dir: loads its best model, listens, reloads
 * when asked (`reload()`, e.g. on SIGHUP) or when a new `best/` checkpoint appears, and on
 * `close()` stops accepting connections, answers every request already received, then frees
 * the model.
 */
import type { FastifyInstance } from 'fastify';
import { buildHttpServer } from './httpServer';
import type { MicroBatcherOptions } from './MicroBatcher';
import { ModelSlot } from './ModelSlot';
import { RecommendService } from './RecommendService';
import { ServedModel, bestCheckpointStamp } from './ServedModel';

export interface ServiceOptions {
  trainDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  batching?: Partial<MicroBatcherOptions>;
  /** Scoring threads (ServedModel); 0 = score on the main thread. Default 0. */
  threads?: number;
  /** How often to look for a new `best/` checkpoint (ms); 0 = never. */
  watchIntervalMs?: number;
  /** Reload and error lines (the CLI prints them). */
  log?: (line: string) => void;
}

export const DEFAULT_BATCHING: MicroBatcherOptions = { maxBatch: 64, maxWaitMs: 2 };

export interface RunningService {
  url: string;
  app: FastifyInstance;
  reload(): Promise<void>;
  close(): Promise<void>;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const log = options.log ?? (() => undefined);
  const threads = options.threads ?? 0;
  const slot = await ModelSlot.open(() => ServedModel.load(options.trainDir, { threads }));
  const service = new RecommendService(slot, {
    ...DEFAULT_BATCHING,
    concurrency: Math.max(1, threads),
    ...options.batching,
  });
  const app = buildHttpServer(slot, service, { onInternalError: (e) => log(`internal error: ${String(e)}`) });
  let stamp = await bestCheckpointStamp(options.trainDir);

  const reload = async (): Promise<void> => {
    const next = await slot.reload();
    log(`reloaded ${next.description.checkpoint_dir} as ${next.description.model_id}`);
  };
  const watchEvery = options.watchIntervalMs ?? 2000;
  const watcher =
    watchEvery > 0
      ? setInterval(() => {
          void bestCheckpointStamp(options.trainDir).then(async (now) => {
            if (now === null || now === stamp) return;
            stamp = now;
            await reload().catch((e: unknown) => log(`reload failed, still serving the previous model: ${String(e)}`));
          });
        }, watchEvery)
      : null;
  watcher?.unref();

  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    if (watcher !== null) clearInterval(watcher);
    slot.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    app,
    reload,
    close: async () => {
      if (watcher !== null) clearInterval(watcher);
      await app.close(); // waits for in-flight requests
      slot.close();
    },
  };
}
