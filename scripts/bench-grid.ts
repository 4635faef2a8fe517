// `npm run bench:grid`: is the virtualized gallery smooth with 10,000 photos? Builds a temporary library
// of 10,000 catalogue rows, serves it with the web bridge, opens the real window in headless Chromium,
// scrolls the grid from top to bottom (a fixed distance per frame) and reports frame times, long tasks
// and DOM size. The rows share 8 small thumbnail files: making 10,000 real thumbnails would take many
// minutes here and measures sharp, not the grid (the browser still decodes an <img> per tile).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp = require('sharp');
import { CoreApi } from '../src-main/api/core-api';
import { HeirloomCore } from '../src-main/core/service/heirloom-core';
import { defaultRendererDir, startBridge } from '../src-main/server/web-bridge';

const N = Number(process.env.BENCH_GRID_PHOTOS ?? 10_000);
const PX_PER_FRAME = Number(process.env.BENCH_GRID_SPEED ?? 400);
const CHROMIUM = process.env.HEIRLOOM_E2E_CHROMIUM ?? '/usr/bin/chromium';
const OUT = path.join(__dirname, '..', '..', 'test-artifacts');

// Runs in the page: scrolls the gallery a fixed distance each animation frame, recording frame gaps,
// long tasks, the DOM size and the tiles still waiting for their page of results.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any, performance: any;
function scrollInPage(pxPerFrame: number): Promise<{ frames: number[]; long: number[]; nodes: number[]; placeholders: number[]; ms: number }> {
  return new Promise((resolve) => {
    const vp = document.querySelector('.viewport');
    const long: number[] = [];
    new window.PerformanceObserver((l: { getEntries(): { duration: number }[] }) => long.push(...l.getEntries().map((e) => e.duration))).observe({
      type: 'longtask',
    });
    const frames: number[] = [];
    const nodes: number[] = [];
    const placeholders: number[] = [];
    const t0 = performance.now();
    let last = t0;
    const step = (now: number): void => {
      frames.push(now - last);
      last = now;
      nodes.push(document.getElementsByTagName('*').length);
      placeholders.push(document.querySelectorAll('.thumb.placeholder').length);
      if (vp.scrollTop + vp.clientHeight >= vp.scrollHeight - 1) {
        setTimeout(() => resolve({ frames: frames.slice(1), long, nodes, placeholders, ms: performance.now() - t0 }), 500);
        return;
      }
      vp.scrollTop += pxPerFrame;
      window.requestAnimationFrame(step);
    };
    window.requestAnimationFrame(step);
  });
}

const pct = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heirloom-bench-grid-'));
  const core = HeirloomCore.open({ library: path.join(dir, 'library') });
  const api = new CoreApi(core, { mediaUrl: (k, id) => `/media/${k}/${id}`, importByPath: true, importByDialog: false });
  try {
    const t0 = Date.now();
    const thumbs: string[] = [];
    for (let i = 0; i < 8; i++) {
      const f = path.join(core.paths.thumbs, `bench-${i}.jpg`);
      const g = 60 + i * 20;
      await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: g, g, b: g } } })
        .jpeg({ quality: 80 })
        .toFile(f);
      thumbs.push(f);
    }
    core.catalogue.transaction(() => {
      for (let i = 0; i < N; i++) {
        const sha = crypto.createHash('sha256').update(`bench ${i}`).digest('hex');
        const year = 1890 + (i % 90);
        const row = core.catalogue.upsertOriginal({
          path: path.join(dir, 'photos', `Family ${String(i).padStart(5, '0')}.jpg`),
          sha256: sha,
          bytes: 250_000,
          width: 1600,
          height: 1200,
          takenAt: `${year}-0${1 + (i % 9)}-1${i % 10}T12:00:00`,
          camera: null,
        });
        core.catalogue.setThumb(row.id, thumbs[i % thumbs.length]);
      }
    });
    const setupMs = Date.now() - t0;
    const bridge = await startBridge({ api, rendererDir: defaultRendererDir() });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const tOpen = Date.now();
      await page.goto(bridge.url);
      await page.waitForFunction(() => document.querySelectorAll('.thumb img').length > 10);
      const firstTilesMs = Date.now() - tOpen;
      const count = await page.locator('.toolbar .count').innerText();
      const r = await page.evaluate(scrollInPage, PX_PER_FRAME);
      // The tiles at the bottom show their thumbnails (how long after the scroll stopped).
      const tStop = Date.now();
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('.thumb img')].every((i: { complete: boolean; naturalWidth: number }) => i.complete && i.naturalWidth > 0),
        undefined,
        { timeout: 30_000 },
      );
      const bottomImagesMs = Date.now() - tStop;
      fs.mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: path.join(OUT, 'bench-grid-bottom.png') });
      const lastTile = await page.locator('.thumb[data-photo-id]').last().getAttribute('title');
      const result = {
        photos: N,
        shown: count,
        setupMs,
        firstTilesMs,
        pxPerFrame: PX_PER_FRAME,
        scrollMs: Math.round(r.ms),
        frames: r.frames.length,
        frameMs: {
          median: +pct(r.frames, 0.5).toFixed(1),
          p95: +pct(r.frames, 0.95).toFixed(1),
          p99: +pct(r.frames, 0.99).toFixed(1),
          max: +Math.max(...r.frames).toFixed(1),
        },
        framesOver50ms: r.frames.filter((f) => f > 50).length,
        longTasks: { count: r.long.length, maxMs: r.long.length ? Math.round(Math.max(...r.long)) : 0 },
        domNodes: { max: Math.max(...r.nodes), min: Math.min(...r.nodes) },
        placeholderTilesMax: Math.max(...r.placeholders),
        lastTileAtBottom: lastTile,
        bottomImagesLoadedMs: bottomImagesMs,
      };
      fs.writeFileSync(path.join(OUT, 'bench-grid.json'), JSON.stringify(result, null, 2));
      console.log(JSON.stringify(result, null, 2));
    } finally {
      await browser.close();
      await bridge.close();
    }
  } finally {
    await api.close();
    core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
