import * as tf from '@tensorflow/tfjs';

/** tfjs's Initializer class, which its public API returns but does not export as a type. */
type Initializer = ReturnType<typeof tf.initializers.heNormal>;

export interface Conv2DArgs {
  filters: number;
  kernelSize: number;
  strides?: number;
  kernelInitializer?: Initializer;
  name?: string;
  trainable?: boolean;
}

/**
 * A bias-free 'same'-padded convolution, numerically tf.layers.conv2d({ useBias: false, padding: 'same' }), but
 * through tf.conv2d instead of tfjs-layers' fused conv. The fused op's custom gradient computes the gradient for
 * the input eagerly, so a network's first layer paid for a gradient of the images nobody uses (2% of a ConvNet
 * step); tf.conv2d's gradient computes only what backpropagation asks for.
 */
export class Conv2D extends tf.layers.Layer {
  static className = 'FlbConv2D';
  private readonly filters: number;
  private readonly kernelSize: number;
  private readonly strides: number;
  private readonly kernelInitializer: Initializer;
  private kernel!: tf.LayerVariable;

  constructor(args: Conv2DArgs) {
    super({ name: args.name, trainable: args.trainable });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides ?? 1;
    // Only a fresh layer draws from it; a loaded one has its weights set afterwards.
    this.kernelInitializer = args.kernelInitializer ?? tf.initializers.heNormal({});
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error(`${this.name}: the channel (last) axis must have a known size, got [${shape}]`);
    this.kernel = this.addWeight('kernel', [this.kernelSize, this.kernelSize, channels, this.filters], 'float32', this.kernelInitializer);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const out = (d: number | null | undefined) => (d == null ? null : Math.ceil(d / this.strides));
    return [batch ?? null, out(height), out(width), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
    return tf.tidy(() => tf.conv2d(x, this.kernel.read() as tf.Tensor4D, this.strides, 'same'));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, strides: this.strides };
  }
}

tf.serialization.registerClass(Conv2D);
