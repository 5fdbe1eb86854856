import { parseEvalMetric, timeToQuality } from './timeToQuality';

const metric = parseEvalMetric('valid/sampled/NDCG@10');

function run(values: Array<[number, number]>, secondsPerEpoch: (epoch: number) => number, epochs: number) {
  const records: Record<string, unknown>[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    records.push({ type: 'epoch', epoch, loss: 1, lr: 0.001, seconds: secondsPerEpoch(epoch), steps: 3 });
    for (const [e, value] of values) {
      if (e !== epoch) continue;
      records.push({
        type: 'eval',
        epoch,
        split: 'valid',
        protocol: 'sampled',
        users: 9,
        metrics: { 'NDCG@10': value },
      });
      // Other splits and protocols must not count.
      records.push({ type: 'eval', epoch, split: 'test', protocol: 'sampled', users: 9, metrics: { 'NDCG@10': 0.99 } });
      records.push({ type: 'eval', epoch, split: 'valid', protocol: 'full', users: 9, metrics: { 'NDCG@10': 0.98 } });
    }
  }
  return records;
}

describe('timeToQuality', () => {
  const records = run(
    [
      [2, 0.2],
      [4, 0.45],
      [6, 0.41],
      [8, 0.5],
    ],
    (epoch) => epoch, // 1 s, 2 s, 3 s, ...
    8,
  );

  it('finds the first evaluation at or above the target and sums the training seconds up to it', () => {
    const t = timeToQuality(records, metric, 0.44);
    expect(t.epoch).toBe(4);
    expect(t.seconds).toBe(1 + 2 + 3 + 4);
    expect(t.best).toEqual({ epoch: 8, value: 0.5 });
    expect(t.epochs).toBe(8);
    expect(t.medianEpochSeconds).toBe(4.5);
    expect(timeToQuality(records, metric, 0.45).epoch).toBe(4); // at, not only above
  });

  it('says null when the target is never reached', () => {
    const t = timeToQuality(records, metric, 0.51);
    expect(t.epoch).toBeNull();
    expect(t.seconds).toBeNull();
  });

  it('rejects a malformed metric name', () => {
    expect(() => parseEvalMetric('NDCG@10')).toThrow(RangeError);
    expect(parseEvalMetric('test/full/HR@20')).toEqual({ split: 'test', protocol: 'full', name: 'HR@20' });
  });
});
