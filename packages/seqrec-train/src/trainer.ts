/**
 * The training loop (spec: the reference main.py, DATA_AND_EVAL.md §Training samples).
 *
 * Per epoch: every user once (the data package's seeded sampler, prefetched so the step never
 * waits for data), one Adam step per batch on the run's loss (@seqrec/models losses; the shared
 * negatives of sampled_softmax / gbce from stepNegatives.ts), the learning-rate schedule of
 * schedule.ts. Every
 * `evalEvery` epochs (and after the last): evaluate valid and test under every protocol; the
 * best checkpoint (`best/`) is chosen by valid NDCG@K (K = first of `ks`) of the FIRST protocol
 * in `evalProtocols`. `last/` holds everything needed to resume to the identical result.
 * With `workers > 1`, each step is computed data-parallel on worker threads (dataParallel.ts);
 * the model, optimizer and RNG states stay on this thread, so checkpoints are unchanged. Under
 * `workers: 'auto'` a step too small to be worth sharding (stepSharding.ts) runs on this thread.
 */
import * as path from 'node:path';
import { TrainSampler, type BatchSampler, type SplitDataset, type TrainBatch } from '@seqrec/data';
import { PrefetchSampler } from '@seqrec/data/node';
import { timeSettings, type ModelConfig, type SequentialRecommender } from '@seqrec/models';
import { currentBackend, tf } from '@seqrec/runtime';
import { saveCheckpoint } from './checkpoint';
import { DataParallel } from './dataParallel';
import { NonFiniteLossError } from './errors';
import { evaluate, runEvalOptions, type EvalRecord } from './evaluate';
import { MetricsLog } from './metricsLog';
import { lossConfigOf, resolveTrainOptions, type ResolvedTrainOptions, type TrainOptions } from './options';
import { startRun } from './runSetup';
import { learningRate } from './schedule';
import { StepNegativeSampler, usesStepNegatives } from './stepNegatives';
import { worthSharding } from './stepSharding';
import { trainStep, weightsAreFinite, type StepObjective } from './trainStep';

export interface TrainResult {
  /** The model after the last epoch run. */
  model: SequentialRecommender;
  modelConfig: ModelConfig;
  /** Epochs completed (counting resumed ones). */
  epochs: number;
  /** The best evaluation (selection metric) and its epoch, or null if none ran. */
  best: { epoch: number; value: number; records: EvalRecord[] } | null;
  /** Name of the selection metric, e.g. 'valid/sampled/NDCG@10'. */
  selectionMetric: string;
  stopReason: 'completed' | 'early_stop';
  /** Mean loss of each epoch run in this call. */
  losses: number[];
  /** Directory of the best checkpoint. */
  bestDir: string;
}

/** Picks the selection metric's value from one evaluation's records. */
function selectionValue(records: EvalRecord[], o: ResolvedTrainOptions): number {
  const record = records.find((r) => r.split === 'valid' && r.protocol === o.evalProtocols[0]);
  return record?.metrics[`NDCG@${o.ks[0]}`] ?? -Infinity;
}

/** JSON-safe copy of the effective options, recorded in checkpoints. */
function runOptions(o: ResolvedTrainOptions): Record<string, unknown> {
  return { ...o, runInfo: undefined, ...o.runInfo };
}

/** Trains a model on `split`; `vocab` (the data's Vocabulary JSON) is stored in checkpoints. */
export async function train(split: SplitDataset, vocab: unknown, options: TrainOptions): Promise<TrainResult> {
  const o = resolveTrainOptions(options);
  const report = options.reporter ?? (() => undefined);
  const lastDir = path.join(o.trainDir, 'last');
  const bestDir = path.join(o.trainDir, 'best');
  const log = new MetricsLog(o.trainDir);
  // Train dir claimed (locked), everything checked, then model, optimizer and loop state.
  const { claim, model, adam, state, resumeFrom, dataFingerprint } = await startRun(
    split,
    vocab,
    o,
    options,
    (message) => report({ type: 'info', message }),
  );
  const config = model.config;
  const time = timeSettings(config);
  const samplerOptions = { maxlen: config.maxlen, batchSize: o.batchSize, seed: o.seed, batching: o.batching, time };
  const sampler: BatchSampler = o.prefetch
    ? new PrefetchSampler(split, samplerOptions)
    : new TrainSampler(split, samplerOptions);
  if (state.samplerState !== null) sampler.setState(state.samplerState);
  const loss = lossConfigOf(o);
  const negativeSampler = usesStepNegatives(loss)
    ? new StepNegativeSampler(config.numItems, loss, o.seed, split)
    : null;
  let parallel: DataParallel | null = null;
  try {
    if (o.workers > 1)
      parallel = await DataParallel.start(model, { workers: o.workers, backend: backendRequest(), seed: o.seed, loss });
    return await loop();
  } finally {
    await parallel?.close();
    await sampler.close();
    adam.dispose();
    await claim.release();
  }

  async function loop(): Promise<TrainResult> {
    const selectionMetric = `valid/${o.evalProtocols[0]}/NDCG@${o.ks[0]}`;
    const run = { modelConfig: config, options: runOptions(o), dataFingerprint };
    const numParams = [...model.weights.values()].reduce((n, w) => n + w.size, 0);
    report({
      type: 'start',
      epoch: state.epoch,
      numEpochs: o.numEpochs,
      stepsPerEpoch: sampler.stepsPerEpoch,
      resumed: resumeFrom !== null,
      numParams,
    });

    const losses: number[] = [];
    let stopReason: TrainResult['stopReason'] = 'completed';
    let lastSaved: number | null = resumeFrom !== null ? state.epoch : null;
    const evalOptions = runEvalOptions(config, o);

    // lossNormalization 'epoch': a step's mean loss times (its positions / the mean per batch).
    const meanPositions = sampler.positionsPerEpoch / sampler.stepsPerEpoch;
    const lossScale = (batch: TrainBatch): number =>
      o.lossNormalization === 'batch' ? 1 : realPositions(batch) / meanPositions;

    // cosine anneals to 0 at the last step of numEpochs (resume refuses a changed numEpochs then).
    const schedule = { ...o, totalSteps: o.numEpochs * sampler.stepsPerEpoch };
    for (let epoch = state.epoch + 1; epoch <= o.numEpochs; epoch++) {
      const started = Date.now();
      const steps = sampler.stepsPerEpoch;
      let lossSum = 0;
      let step = 0;
      let lr = learningRate(schedule, state.globalStep, epoch);
      for await (const batch of sampler.epoch()) {
        lr = learningRate(schedule, state.globalStep, epoch);
        const scale = lossScale(batch);
        const objective: StepObjective = {
          loss,
          negatives: negativeSampler?.forStep(state.globalStep, batch.pos) ?? null,
        };
        const shards =
          parallel !== null && (o.shardEveryStep || worthSharding(batch, config.hiddenUnits, numParams))
            ? parallel
            : null;
        const stepLoss =
          shards !== null
            ? await shards.step(adam, batch, lr, scale, objective.negatives)
            : await trainStep(model, adam, batch, lr, scale, objective);
        if (!Number.isFinite(stepLoss)) throw new NonFiniteLossError(epoch, step + 1, lastSaved, lr);
        state.globalStep += 1;
        step += 1;
        lossSum += stepLoss;
        const elapsed = (Date.now() - started) / 1000;
        const stepsPerSecond = elapsed > 0 ? step / elapsed : 0;
        report({
          type: 'step',
          epoch,
          step,
          steps,
          loss: stepLoss,
          lr,
          stepsPerSecond,
          etaSeconds: stepsPerSecond > 0 ? (steps - step) / stepsPerSecond : 0,
        });
      }
      if (!(await weightsAreFinite(model))) throw new NonFiniteLossError(epoch, step, lastSaved, lr);
      await parallel?.verify();
      const seconds = (Date.now() - started) / 1000;
      const epochLoss = step > 0 ? lossSum / step : NaN;
      losses.push(epochLoss);
      state.epoch = epoch;
      state.seconds += seconds;
      await log.append({ type: 'epoch', epoch, loss: epochLoss, lr, seconds, steps: step });
      report({ type: 'epoch', epoch, loss: epochLoss, lr, seconds, steps: step });

      let stop = false;
      const evalDue = epoch % o.evalEvery === 0 || epoch === o.numEpochs;
      if (evalDue) {
        const records = await evaluate(model, split, evalOptions);
        for (const r of records) await log.append({ type: 'eval', epoch, ...r });
        const value = selectionValue(records, o);
        const improved = state.best === null || value > state.best.value;
        if (improved) {
          state.best = { epoch, value, records };
          state.evalsSinceBest = 0;
          await saveCheckpoint(bestDir, { model, vocab, run: { ...run, best: state.best } as typeof run });
          report({ type: 'checkpoint', epoch, kind: 'best', dir: bestDir });
        } else {
          state.evalsSinceBest += 1;
        }
        report({ type: 'eval', epoch, records, improved, selection: { metric: selectionMetric, value } });
        if (o.earlyStopPatience > 0 && state.evalsSinceBest >= o.earlyStopPatience) {
          stop = true;
          stopReason = 'early_stop';
          report({ type: 'early_stop', epoch, patience: o.earlyStopPatience });
        }
      }
      if (evalDue || stop || epoch % o.checkpointEvery === 0 || epoch === o.numEpochs) {
        state.samplerState = sampler.getState();
        state.modelRngState = model.getRngState();
        const fault = options.checkpointFault?.epoch === epoch ? options.checkpointFault.fault : undefined;
        await saveCheckpoint(lastDir, { model, vocab, run, trainer: state, optimizer: await adam.getState() }, fault);
        lastSaved = epoch;
        report({ type: 'checkpoint', epoch, kind: 'last', dir: lastDir });
      }
      if (stop) break;
    }
    return {
      model,
      modelConfig: config,
      epochs: state.epoch,
      best: state.best,
      selectionMetric,
      stopReason,
      losses,
      bestDir,
    };
  }
}

/** The main thread's backend, pinned, for the gradient workers (the same tfjs backend everywhere). */
function backendRequest(): { device?: 'auto' | 'cuda' | 'cpu'; backend: 'tensorflow' | 'wasm' | 'cpu' } {
  const report = currentBackend();
  if (report !== null && report.backend === tf.getBackend())
    return { device: report.request.device, backend: report.backend as 'tensorflow' | 'wasm' | 'cpu' }; // a trainer runs in Node: never webgl
  return { backend: tf.getBackend() as 'tensorflow' | 'wasm' | 'cpu' };
}

/** Target positions of a batch (pos != 0). */
function realPositions(batch: TrainBatch): number {
  let n = 0;
  for (const item of batch.pos) if (item !== 0) n++;
  return n;
}
