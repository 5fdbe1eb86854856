import { curvePoints, learningCurveSvg } from './learningCurves';

const records = [
  { type: 'epoch', epoch: 1, loss: 0.7 },
  { type: 'eval', epoch: 20, split: 'valid', protocol: 'full', metrics: { 'NDCG@10': 0.05 } },
  { type: 'eval', epoch: 20, split: 'valid', protocol: 'sampled', metrics: { 'NDCG@10': 0.3 } },
  { type: 'eval', epoch: 20, split: 'test', protocol: 'full', metrics: { 'NDCG@10': 0.04 } },
  { type: 'eval', epoch: 40, split: 'valid', protocol: 'full', metrics: { 'NDCG@10': 0.08 } },
];

test('curvePoints picks the selected split, protocol and metric from metrics.jsonl records', () => {
  expect(curvePoints(records)).toEqual([
    [20, 0.05],
    [40, 0.08],
  ]);
  expect(curvePoints(records, { protocol: 'sampled' })).toEqual([[20, 0.3]]);
  expect(curvePoints(records, { fromEpoch: 30 })).toEqual([[40, 0.08]]);
  expect(curvePoints(records, { metric: 'HR@10' })).toEqual([]);
});

test('learningCurveSvg draws one path and legend entry per run, escaping labels', () => {
  const svg = learningCurveSvg([
    { label: 'SASRec', points: curvePoints(records) },
    { label: 'a<b', points: [[20, 0.06]] },
  ]);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.match(/<path /g)).toHaveLength(2);
  expect(svg).toContain('>SASRec</text>');
  expect(svg).toContain('>a&lt;b</text>');
  expect(svg).toContain('valid full NDCG@10');
  expect(() => learningCurveSvg([{ label: 'empty', points: [] }])).toThrow(/at least one point/);
});
