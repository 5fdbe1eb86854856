/**
 * The base of every seqrec layer: a name, the weights it owns, and its sublayers.
 *
 * Weight names are dotted paths built from the structure (`blocks.0.attn.q.kernel`), the same
 * names the spec's fixtures use (shared/spec/MODEL.md §Parameter names), so save/load and
 * fixture tests map weights one to one without a translation table.
 */
import { tf } from '@seqrec/runtime';

export abstract class Layer {
  private readonly ownWeights = new Map<string, tf.Variable>();
  private readonly sublayers: Layer[] = [];

  constructor(readonly name: string) {}

  /** Creates a trainable weight owned by this layer; `initial` is consumed. Role '' names the weight after the layer itself. */
  protected addWeight(role: string, initial: tf.Tensor): tf.Variable {
    if (this.ownWeights.has(role)) throw new Error(`${this.name}: weight '${role}' defined twice`);
    const variable = tf.variable(initial, true);
    initial.dispose();
    this.ownWeights.set(role, variable);
    return variable;
  }

  protected addSublayer<L extends Layer>(layer: L): L {
    this.sublayers.push(layer);
    return layer;
  }

  /** Every weight of this layer and its sublayers by dotted name, in creation order. */
  namedWeights(prefix = ''): Map<string, tf.Variable> {
    const scope = prefix === '' ? this.name : this.name === '' ? prefix : `${prefix}.${this.name}`;
    const join = (role: string) => (scope === '' ? role : role === '' ? scope : `${scope}.${role}`);
    const all = new Map<string, tf.Variable>();
    for (const [role, variable] of this.ownWeights) all.set(join(role), variable);
    for (const layer of this.sublayers) {
      for (const [name, variable] of layer.namedWeights(scope)) all.set(name, variable);
    }
    return all;
  }

  /** Frees every weight (the layer is unusable afterwards). */
  dispose(): void {
    for (const variable of this.namedWeights().values()) variable.dispose();
  }
}
