/**
 * `seqrec serve`: the HTTP JSON service of a train dir's best model (see serve/). SIGHUP reloads
 * the model (so does a new `best/` checkpoint); SIGTERM / SIGINT stop accepting connections,
 * answer the requests already received, and exit 0.
 */
import { BACKENDS } from '@seqrec/runtime';
import { selectBackend } from '../backend';
import { UsageError } from '../errors';
import type { CliIo } from '../io';
import { choice, int } from '../parseFlags';
import { DEFAULT_BATCHING, startService } from '../serve/startService';
import { readArgs } from '../trainDir';
import type { TrainSettings } from '../trainFlags';

export async function serveCommand(raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const trainDir = String(raw['train_dir']);
  const port = int('port', raw['port'] ?? '8080', 0);
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got '${String(raw['port'])}'`);
  const host = String(raw['host'] ?? '127.0.0.1');
  const maxBatch = int('max_batch', raw['max_batch'] ?? String(DEFAULT_BATCHING.maxBatch));
  const maxWaitMs = int('max_wait_ms', raw['max_wait_ms'] ?? String(DEFAULT_BATCHING.maxWaitMs), 0);
  const threads = int('threads', raw['threads'] ?? '1', 0, 64);
  const log = (line: string) => io.stderr(`seqrec serve: ${line}\n`);
  const s = (await readArgs(trainDir))['seqrec_settings'] as TrainSettings;
  await selectBackend(
    s.device,
    raw['backend'] === undefined ? s.backend : choice('backend', raw['backend'], BACKENDS),
    log,
  );
  const service = await startService({ trainDir, host, port, threads, batching: { maxBatch, maxWaitMs }, log }).catch(
    (error: unknown) => {
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
        throw new UsageError(`--host ${host} --port ${port}: cannot listen (${code})`);
      throw error;
    },
  );
  io.stdout(`listening on ${service.url}\n`);
  return new Promise<number>((resolve) => {
    const onHup = () =>
      void service.reload().catch((e: unknown) => log(`reload failed, still serving the previous model: ${String(e)}`));
    const stop = () => {
      process.off('SIGHUP', onHup);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      log('draining in-flight requests');
      service.close().then(
        () => resolve(0),
        (e: unknown) => {
          log(`error while closing: ${String(e)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGHUP', onHup);
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
