/** The item-table update option: its per-loss default and refusals, resolved by resolveTrainOptions. */
import { adamOptionsOf, resolveTrainOptions } from './options';

test('default: lazy for sampled_softmax and gbce, dense for bce and ce; an explicit choice wins', () => {
  const update = (o: object) => resolveTrainOptions({ trainDir: 'x', ...o }).embeddingUpdate;
  expect(update({})).toBe('dense');
  expect(update({ loss: 'ce' })).toBe('dense');
  expect(update({ loss: 'sampled_softmax' })).toBe('lazy');
  expect(update({ loss: 'gbce' })).toBe('lazy');
  expect(update({ loss: 'sampled_softmax', embeddingUpdate: 'dense' })).toBe('dense');
  expect(update({ loss: 'bce', embeddingUpdate: 'lazy' })).toBe('lazy');
  expect(adamOptionsOf(resolveTrainOptions({ trainDir: 'x', loss: 'gbce' })).lazy).toEqual(['item_emb']);
  expect(adamOptionsOf(resolveTrainOptions({ trainDir: 'x' })).lazy).toEqual([]);
});

test('refused: lazy with ce (it reads every row), an unknown value', () => {
  expect(() => resolveTrainOptions({ trainDir: 'x', loss: 'ce', embeddingUpdate: 'lazy' })).toThrow(
    /embeddingUpdate 'lazy' does not apply to loss 'ce'/,
  );
  expect(() => resolveTrainOptions({ trainDir: 'x', embeddingUpdate: 'sparse' as unknown as 'lazy' })).toThrow(
    /embeddingUpdate must be one of dense, lazy/,
  );
});
