// A very large scan must not need many copies of itself in memory: a 12000×12000 PNG used to peak at
// 2.5 GB (5.4 × its 432 MB of pixels) from a second full-size render buffer and libjpeg's Huffman
// optimisation pass, which holds every DCT coefficient. Memory, not speed: nothing here is timed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import sharp = require('sharp');
import { makeTempDir, removeDir } from '../helpers/fixtures';

test('colorizing a 60 MP scan peaks at under 3 × its decoded pixels above the loaded model', async () => {
  const dir = makeTempDir();
  try {
    const file = path.join(dir, 'scan-60mp.jpg');
    // Smooth noise, upscaled: real-looking content that JPEG cannot squeeze to nothing.
    await sharp({ create: { width: 400, height: 375, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .resize(8000, 7500, { kernel: 'cubic' })
      .jpeg({ quality: 90 })
      .toFile(file);
    const child = spawnSync(process.execPath, [path.join(__dirname, '..', 'helpers', 'peak-memory-child.js'), file], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    assert.equal(child.status, 0, child.stderr);
    const m = JSON.parse(child.stdout.trim().split('\n').pop()!) as { baselineMB: number; peakMB: number; imageMB: number; encodedBytes: number };
    assert.ok(m.encodedBytes > 1_000_000, 'a real JPEG came out');
    const ratio = (m.peakMB - m.baselineMB) / m.imageMB;
    assert.ok(
      ratio < 3,
      `peak ${m.peakMB.toFixed(0)} MB, ${m.baselineMB.toFixed(0)} MB before the photo: ${ratio.toFixed(2)} × the ${m.imageMB.toFixed(0)} MB of pixels`,
    );
  } finally {
    removeDir(dir);
  }
});
