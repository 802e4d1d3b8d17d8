import * as tf from '@tensorflow/tfjs';
import { sgdMomentumStep } from '../engine/fused-ops/sgd-momentum-step.js';

/**
 * SGD with momentum and L2 weight decay, in PyTorch's form (the one insightface trains with):
 * g ← g + λ·w;  v ← μ·v + g;  w ← w − lr·v.
 * Written here rather than using tf.train.momentum so that its state can be checkpointed and restored exactly.
 */
export class MomentumSgd {
  private velocity: tf.Variable[];

  constructor(
    private readonly variables: tf.Variable[],
    private readonly momentum: number,
    private readonly weightDecay: number,
  ) {
    this.velocity = variables.map((v) => tf.variable(tf.zerosLike(v), false));
  }

  /** Applies one update; `grads` in the order of the variables given to the constructor. */
  apply(grads: readonly tf.Tensor[], lr: number): void {
    tf.tidy(() => {
      this.variables.forEach((w, i) => {
        const v = this.velocity[i]!;
        const [wNext, vNext] = sgdMomentumStep(w, v, grads[i]!, { lr, momentum: this.momentum, weightDecay: this.weightDecay });
        v.assign(vNext);
        w.assign(wNext);
      });
    });
  }

  /** The velocity buffers, for checkpoints. */
  state(): tf.Tensor[] {
    return this.velocity;
  }

  load(buffers: readonly tf.Tensor[]): void {
    if (buffers.length !== this.velocity.length) {
      throw new Error(`optimizer state has ${buffers.length} buffers, the model ${this.velocity.length}`);
    }
    buffers.forEach((b, i) => this.velocity[i]!.assign(b));
  }

  dispose(): void {
    this.velocity.forEach((v) => v.dispose());
  }
}
