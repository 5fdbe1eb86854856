/**
 * writeVariableRows on cpu and wasm: a write changes the variable in place and no other tensor,
 * also when the variable shares its storage (tf.variable of a tensor) or was built from a
 * caller's array (cpu keeps that array); after an assign, writes go to the new storage.
 */
import { initBackend, tf, writeVariableRows } from './index';

describe.each(['cpu', 'wasm'] as const)('%s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  test('writes rows in place; the tensor it was made from and the source array keep their values', () => {
    const source = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const x = tf.tensor2d(source, [3, 2]);
    const v = tf.variable(x); // shares x's storage
    const before = tf.memory().numTensors;
    writeVariableRows(v, (values) => {
      values[2] = -3;
      values[3] = -4;
    });
    expect(Array.from(v.dataSync())).toEqual([1, 2, -3, -4, 5, 6]);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(source)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tf.memory().numTensors).toBe(before);
    // A second write reuses the storage the first one made the variable's own.
    writeVariableRows(v, (values) => {
      values[0] = 10;
    });
    expect(Array.from(v.dataSync())).toEqual([10, 2, -3, -4, 5, 6]);
    // After an assign, the variable's new storage is written, not the assigned tensor's.
    const y = tf.tensor2d([7, 8, 9, 10, 11, 12], [3, 2]);
    v.assign(y);
    writeVariableRows(v, (values) => {
      values[5] = 0;
    });
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9, 10, 11, 0]);
    expect(Array.from(y.dataSync())).toEqual([7, 8, 9, 10, 11, 12]);
    tf.dispose([x, v, y]);
  });
});
