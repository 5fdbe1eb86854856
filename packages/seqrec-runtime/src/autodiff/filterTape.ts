/**
 * The part of a gradient tape that connects the sources `xs` to the result `y`: the nodes
 * reachable from some x that also lead to y, each with its inputs pruned to those that depend on
 * an x. Same result as tfjs-core's internal `getFilteredNodesXToY` (tape.ts), which its
 * CommonJS bundle does not export; releasingGradients.ts needs it to walk the tape itself.
 */
import type { tf } from '../tf';

/** A node of tfjs's gradient tape (tfjs-core `TapeNode`, internal). */
export interface TapeNode {
  id: number;
  kernelName: string;
  outputs: tf.Tensor[];
  inputs: Record<string, tf.Tensor>;
  /** Lazily evaluated gradients of the inputs, given the outputs' gradients (null = not needed). */
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  /** Tensors the node keeps for its gradient (clones owned by the tape). */
  saved?: tf.Tensor[];
}

export function filterTape(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    for (const name in node.inputs) {
      if (fromX.has((node.inputs[name] as tf.Tensor).id)) {
        for (const output of node.outputs) fromX.add(output.id);
        nodesFromX.add(node.id);
        break;
      }
    }
  }
  const toY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i] as TapeNode;
    if (!node.outputs.some((output) => toY.has(output.id))) continue;
    for (const name in node.inputs) {
      toY.add((node.inputs[name] as tf.Tensor).id);
      nodesToY.add(node.id);
    }
  }
  const filtered: TapeNode[] = [];
  for (const node of tape) {
    if (!nodesFromX.has(node.id) || !nodesToY.has(node.id)) continue;
    const inputs: Record<string, tf.Tensor> = {};
    for (const name in node.inputs) {
      const input = node.inputs[name] as tf.Tensor;
      if (fromX.has(input.id)) inputs[name] = input;
    }
    filtered.push({ ...node, inputs, outputs: node.outputs });
  }
  return filtered;
}
