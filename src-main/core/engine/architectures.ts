// The networks, layer for layer as in training/heirloom_train/models.py (PyTorch), so that weights
// trained there load here by name. Stride-2 convs pad one pixel on every side then convolve 'valid'
// (tfjs 'same' pads only bottom/right at stride 2, which would not match PyTorch).
import { tf } from './backend';
import { mobileNetTrunk } from './mobilenet';

type SymbolicTensor = tf.SymbolicTensor;

/** [name, filters, kernel, stride] for the Heirloom colorizer; BatchNorm is folded into each conv. */
export const HEIRLOOM_CONVS: Array<[string, number, number, number]> = [
  ['enc1', 32, 3, 1],
  ['enc1_down', 48, 3, 2],
  ['enc2', 64, 3, 1],
  ['enc2_down', 96, 3, 2],
  ['enc3', 128, 3, 1],
  ['enc3_down', 192, 3, 2],
  ['enc4', 256, 3, 1],
  ['enc4b', 256, 3, 1],
  ['mid', 256, 3, 1],
  ['reduce', 128, 1, 1],
  ['dec1', 128, 3, 1],
  ['dec2', 128, 3, 1],
];

function conv(
  x: SymbolicTensor,
  name: string,
  filters: number,
  kernel: number,
  stride: number,
  activation: 'relu' | 'linear' | 'tanh' = 'relu',
): SymbolicTensor {
  if (stride === 2) {
    x = tf.layers.zeroPadding2d({ padding: 1, name: `${name}_pad` }).apply(x) as SymbolicTensor;
  }
  return tf.layers
    .conv2d({ name, filters, kernelSize: kernel, strides: stride, padding: stride === 2 ? 'valid' : 'same', activation, useBias: true })
    .apply(x) as SymbolicTensor;
}

/** v3: as v2 down to 1/8, then fused with the pretrained MobileNetV2 trunk (see mobilenet.ts). */
export const HEIRLOOM3_CONVS: Array<[string, number, number, number]> = [
  ...HEIRLOOM_CONVS.slice(0, 6),
  ['fuse', 256, 1, 1],
  ...HEIRLOOM_CONVS.slice(6),
];

function convByName(x: SymbolicTensor, name: string, table = HEIRLOOM_CONVS): SymbolicTensor {
  const spec = table.find((c) => c[0] === name);
  if (!spec) throw new Error(`unknown layer ${name}`);
  return conv(x, spec[0], spec[1], spec[2], spec[3]);
}

/** Input [L, hint a, hint b, hint mask] (H, W multiples of 8) → ab-bin logits at H/4 × W/4. */
export function buildHeirloomNet(numBins: number): tf.LayersModel {
  const input = tf.input({ shape: [null, null, 4], name: 'l_and_hints' });
  let x = convByName(input, 'enc1');
  x = convByName(x, 'enc1_down');
  x = convByName(x, 'enc2');
  x = convByName(x, 'enc2_down');
  const skip = convByName(x, 'enc3');
  x = convByName(skip, 'enc3_down');
  x = convByName(x, 'enc4');
  x = convByName(x, 'enc4b');
  // Global context: image-level features, broadcast back onto every position.
  let g = tf.layers.globalAveragePooling2d({ name: 'global_pool' }).apply(x) as SymbolicTensor;
  g = tf.layers.dense({ name: 'global1', units: 256, activation: 'relu' }).apply(g) as SymbolicTensor;
  g = tf.layers.dense({ name: 'global2', units: 256 }).apply(g) as SymbolicTensor;
  g = tf.layers.reshape({ name: 'global_broadcast', targetShape: [1, 1, 256] }).apply(g) as SymbolicTensor;
  x = tf.layers.add({ name: 'global_add' }).apply([x, g]) as SymbolicTensor;
  x = convByName(x, 'mid');
  x = convByName(x, 'reduce');
  x = tf.layers.upSampling2d({ name: 'up', size: [2, 2] }).apply(x) as SymbolicTensor;
  x = tf.layers.add({ name: 'skip_add' }).apply([x, skip]) as SymbolicTensor;
  x = convByName(x, 'dec1');
  x = convByName(x, 'dec2');
  const logits = conv(x, 'head', numBins, 1, 1, 'linear');
  return tf.model({ inputs: input, outputs: logits, name: 'heirloom' });
}

/**
 * v3, as HeirloomNet3 in training/heirloom_train/models.py: input [L, hint a, hint b, hint mask]
 * (H, W multiples of 16) → ab-bin logits at H/4 × W/4. The frozen MobileNetV2 says what things are;
 * the own encoder carries the hints and fine detail.
 */
export function buildHeirloomNet3(numBins: number): tf.LayersModel {
  const T = HEIRLOOM3_CONVS;
  const input = tf.input({ shape: [null, null, 4], name: 'l_and_hints' });
  const m = mobileNetTrunk(input);
  let x = convByName(input, 'enc1', T);
  x = convByName(x, 'enc1_down', T);
  x = convByName(x, 'enc2', T);
  x = convByName(x, 'enc2_down', T);
  const skip = convByName(x, 'enc3', T);
  x = convByName(skip, 'enc3_down', T);
  const m16up = tf.layers.upSampling2d({ name: 'mnet_up', size: [2, 2] }).apply(m.tap16) as SymbolicTensor;
  x = tf.layers.concatenate({ name: 'fuse_concat', axis: -1 }).apply([x, m.tap8, m16up]) as SymbolicTensor;
  x = convByName(x, 'fuse', T);
  x = convByName(x, 'enc4', T);
  x = convByName(x, 'enc4b', T);
  let g = tf.layers.globalAveragePooling2d({ name: 'global_pool' }).apply(x) as SymbolicTensor;
  g = tf.layers.concatenate({ name: 'global_concat', axis: -1 }).apply([g, m.pooled]) as SymbolicTensor;
  g = tf.layers.dense({ name: 'global1', units: 256, activation: 'relu' }).apply(g) as SymbolicTensor;
  g = tf.layers.dense({ name: 'global2', units: 256 }).apply(g) as SymbolicTensor;
  g = tf.layers.reshape({ name: 'global_broadcast', targetShape: [1, 1, 256] }).apply(g) as SymbolicTensor;
  x = tf.layers.add({ name: 'global_add' }).apply([x, g]) as SymbolicTensor;
  x = convByName(x, 'mid', T);
  x = convByName(x, 'reduce', T);
  x = tf.layers.upSampling2d({ name: 'up', size: [2, 2] }).apply(x) as SymbolicTensor;
  x = tf.layers.add({ name: 'skip_add' }).apply([x, skip]) as SymbolicTensor;
  x = convByName(x, 'dec1', T);
  x = convByName(x, 'dec2', T);
  const logits = conv(x, 'head', numBins, 1, 1, 'linear');
  return tf.model({ inputs: input, outputs: logits, name: 'heirloom3' });
}

/** The network of an architecture, untrained (weights are assigned by name afterwards). */
export function buildNetwork(arch: 'heirloom' | 'heirloom3' | 'beta', numBins = 0): tf.LayersModel {
  if (arch === 'heirloom') return buildHeirloomNet(numBins);
  if (arch === 'heirloom3') return buildHeirloomNet3(numBins);
  return buildBetaNet();
}

/**
 * The sizes a network input may have: each side a multiple of `multiple` (v3's 1/16 tap joins the
 * 1/8 grid) and at least `least` (v3's MobileNetV2 trunk halves it five times, and on the wasm
 * backend a side that vanishes there, 16 px or less, reads out of bounds).
 */
export function inputGrid(arch: 'heirloom' | 'heirloom3' | 'beta'): { multiple: number; least: number } {
  return arch === 'heirloom3' ? { multiple: 16, least: 32 } : { multiple: 8, least: 8 };
}

/** The seeds' "beta" colorizer, kept for the fair comparison in models/README.md: L → ab/128. */
export function buildBetaNet(): tf.LayersModel {
  const input = tf.input({ shape: [null, null, 1], name: 'l' });
  const specs: Array<[string, number, number]> = [
    ['b1', 64, 1],
    ['b2', 64, 2],
    ['b3', 128, 1],
    ['b4', 128, 2],
    ['b5', 256, 1],
    ['b6', 256, 2],
    ['b7', 512, 1],
    ['b8', 256, 1],
    ['b9', 128, 1],
  ];
  let x = input;
  for (const [name, filters, stride] of specs) x = conv(x, name, filters, 3, stride);
  x = tf.layers.upSampling2d({ name: 'up1', size: [2, 2] }).apply(x) as SymbolicTensor;
  x = conv(x, 'b10', 64, 3, 1);
  x = tf.layers.upSampling2d({ name: 'up2', size: [2, 2] }).apply(x) as SymbolicTensor;
  x = conv(x, 'b11', 32, 3, 1);
  x = conv(x, 'b12', 2, 3, 1, 'tanh');
  x = tf.layers.upSampling2d({ name: 'up3', size: [2, 2] }).apply(x) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'beta' });
}
