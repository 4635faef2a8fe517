// The pretrained encoder of heirloom-base-v3: the MobileNetV2 (width 1.0) trunk of nsfwjs@4.4.0
// (MIT; ImageNet start, fine-tuned by its authors for content classification), frozen, with every
// BatchNorm folded into its conv. Mirrors training/heirloom_train/mobilenet.py layer for layer;
// the weights arrive inside the model's weights.bin, by these Keras layer names.
import { tf } from './backend';

type SymbolicTensor = tf.SymbolicTensor;

/** [block, expansion, output channels, stride]; 'expanded_conv' has no expand layer. */
const BLOCKS: Array<[string, number, number, number]> = [
  ['expanded_conv', 1, 16, 1],
  ['block_1', 6, 24, 2],
  ['block_2', 6, 24, 1],
  ['block_3', 6, 32, 2],
  ['block_4', 6, 32, 1],
  ['block_5', 6, 32, 1],
  ['block_6', 6, 64, 2],
  ['block_7', 6, 64, 1],
  ['block_8', 6, 64, 1],
  ['block_9', 6, 64, 1],
  ['block_10', 6, 96, 1],
  ['block_11', 6, 96, 1],
  ['block_12', 6, 96, 1],
  ['block_13', 6, 160, 2],
  ['block_14', 6, 160, 1],
  ['block_15', 6, 160, 1],
  ['block_16', 6, 320, 1],
];
const TAP_8 = 'block_5';
const TAP_16 = 'block_12';

export interface MobileNetTaps {
  /** 32 channels at 1/8 of the input. */
  tap8: SymbolicTensor;
  /** 96 channels at 1/16. */
  tap16: SymbolicTensor;
  /** Global average of the last 1280-channel layer. */
  pooled: SymbolicTensor;
}

function relu6(x: SymbolicTensor, name: string): SymbolicTensor {
  return tf.layers.reLU({ name, maxValue: 6 }).apply(x) as SymbolicTensor;
}

/** Stride-2 layers pad bottom/right by one pixel and convolve 'valid', as Keras's MobileNetV2 does. */
function pad(x: SymbolicTensor, name: string, stride: number): SymbolicTensor {
  const p: [[number, number], [number, number]] =
    stride === 2
      ? [
          [0, 1],
          [0, 1],
        ]
      : [
          [1, 1],
          [1, 1],
        ];
  return tf.layers.zeroPadding2d({ name: `${name}_pad`, padding: p }).apply(x) as SymbolicTensor;
}

function pointwise(x: SymbolicTensor, name: string, filters: number): SymbolicTensor {
  return tf.layers.conv2d({ name, filters, kernelSize: 1, padding: 'valid', useBias: true, trainable: false }).apply(x) as SymbolicTensor;
}

/**
 * The frozen trunk on the network's own input ([L, hint a, hint b, mask], L normalised to −1..1):
 * Conv1 was rewritten at export to read L as a grey photo (all three colour channels = L/100) and to
 * ignore the hint channels, so no extra input is needed.
 */
export function mobileNetTrunk(input: SymbolicTensor): MobileNetTaps {
  let x = pad(input, 'Conv1', 2);
  x = tf.layers
    .conv2d({ name: 'Conv1', filters: 32, kernelSize: 3, strides: 2, padding: 'valid', useBias: true, trainable: false })
    .apply(x) as SymbolicTensor;
  x = relu6(x, 'Conv1_relu');
  let channels = 32;
  let tap8: SymbolicTensor | undefined;
  let tap16: SymbolicTensor | undefined;
  for (const [name, t, out, stride] of BLOCKS) {
    const inp = x;
    if (t !== 1) x = relu6(pointwise(x, `${name}_expand`, channels * t), `${name}_expand_relu`);
    x = pad(x, `${name}_depthwise`, stride);
    x = tf.layers
      .depthwiseConv2d({ name: `${name}_depthwise`, kernelSize: 3, strides: stride, padding: 'valid', useBias: true, trainable: false })
      .apply(x) as SymbolicTensor;
    x = relu6(x, `${name}_depthwise_relu`);
    x = pointwise(x, `${name}_project`, out);
    if (stride === 1 && channels === out) x = tf.layers.add({ name: `${name}_add` }).apply([inp, x]) as SymbolicTensor;
    channels = out;
    if (name === TAP_8) tap8 = x;
    if (name === TAP_16) tap16 = x;
  }
  x = relu6(pointwise(x, 'Conv_1', 1280), 'out_relu');
  const pooled = tf.layers.globalAveragePooling2d({ name: 'mnet_pool' }).apply(x) as SymbolicTensor;
  return { tap8: tap8!, tap16: tap16!, pooled };
}

/** Layers of the trunk: never trained by fine-tuning, and their weights come from nsfwjs. */
export const MOBILENET_LAYER = /^(Conv1|Conv_1|expanded_conv_|block_\d+_)/;
