/**
 * Reads the spec fixtures in shared/fixtures (beside the checkout). Tests skip with a message
 * when the folder is absent (a clone used outside this workplace), and fail under CI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireOutside } from '@seqrec/test-utils';
import type { ModelConfig } from '../config';

export const FIXTURE_DIR = path.resolve(__dirname, '../../../../../shared/fixtures');
export const hasFixtures = requireOutside('the spec fixtures (shared/fixtures)', [FIXTURE_DIR]);

export interface FixtureArray {
  shape: number[];
  values: number[];
}

export interface ModelFixture {
  description: string;
  config: {
    numItems: number;
    maxlen: number;
    hiddenUnits: number;
    numHeads: number;
    numBlocks: number;
    timeSpan: number | null;
    mhc: ModelConfig['mhc'];
    l2Emb: number;
    layerNormEps: number;
  };
  params: Record<string, FixtureArray>;
  inputs: { seq: number[][]; pos: number[][]; neg: number[][]; rel: number[][][] | null; candidates: number[][] };
  outputs: {
    features: FixtureArray;
    posLogits: FixtureArray;
    negLogits: FixtureArray;
    loss: number;
    scores: FixtureArray;
  };
  grads: Record<string, FixtureArray>;
}

export function readModelFixture(name: string): ModelFixture {
  return JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, `model_${name}.json`), 'utf8')) as ModelFixture;
}

/** The fixture's config as a seqrec ModelConfig (the fixture says time-aware by a non-null timeSpan). */
export function fixtureModelConfig(fixture: ModelFixture): ModelConfig {
  const c = fixture.config;
  return {
    kind: c.timeSpan === null ? 'sasrec' : 'tisasrec',
    numItems: c.numItems,
    maxlen: c.maxlen,
    hiddenUnits: c.hiddenUnits,
    numBlocks: c.numBlocks,
    numHeads: c.numHeads,
    dropoutRate: 0,
    timeSpan: c.timeSpan ?? 1,
    timeUnit: 'hour', // the fixture gives the intervals themselves
    mhc: c.mhc,
    l2Emb: c.l2Emb,
    layerNormEps: c.layerNormEps,
  };
}
