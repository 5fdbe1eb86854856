import { planBatchMatMul } from './batchMatMulPlan';

describe('planBatchMatMul', () => {
  it('reads m, n, k under each transpose flag', () => {
    expect(planBatchMatMul([2, 3, 4], [2, 4, 5], false, false)).toMatchObject({
      batch: 2,
      m: 3,
      n: 5,
      k: 4,
      outShape: [2, 3, 5],
    });
    expect(planBatchMatMul([2, 4, 3], [2, 5, 4], true, true)).toMatchObject({
      batch: 2,
      m: 3,
      n: 5,
      k: 4,
      outShape: [2, 3, 5],
    });
    expect(planBatchMatMul([3, 4], [5, 4], false, true)).toMatchObject({
      batch: 1,
      m: 3,
      n: 5,
      k: 4,
      outShape: [3, 5],
    });
  });

  it('folds a batched A times one B into a single tall product', () => {
    expect(planBatchMatMul([128, 200, 50], [50, 50], false, false)).toMatchObject({
      batch: 1,
      m: 25600,
      n: 50,
      k: 50,
      aBatch: 0,
      bBatch: 0,
      outShape: [128, 200, 50],
      folded: true,
    });
  });

  it('repeats the single matrix with a zero stride when it cannot fold', () => {
    expect(planBatchMatMul([4, 25, 7], [1, 25, 9], true, false)).toMatchObject({
      batch: 4,
      aBatch: 175,
      bBatch: 0,
      folded: false,
    });
    expect(planBatchMatMul([1, 7, 25], [4, 25, 9], false, false)).toMatchObject({ batch: 4, aBatch: 0, bBatch: 225 });
    expect(planBatchMatMul([2, 3, 5, 8], [1, 1, 8, 6], false, false)).toMatchObject({
      batch: 1,
      m: 30,
      outShape: [2, 3, 5, 6],
      folded: true,
    });
  });

  it('leaves broadcasts of partial batch dimensions to the stock kernel', () => {
    expect(planBatchMatMul([3, 1, 2, 2], [1, 3, 2, 2], false, false)).toBeNull();
  });

  it('rejects mismatched inner sizes like tfjs', () => {
    expect(() => planBatchMatMul([2, 3], [4, 5], false, false)).toThrow(/inner shapes/);
  });
});
