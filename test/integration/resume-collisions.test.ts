// A resumed colorize job writes a result only to a name that is still free or that holds exactly the
// file this job wrote there (its recorded sha256); any other file at a planned name (a new scan, the
// user's own file, another job's result) is left as it is and the photo goes to the next free name.
// The state a kill leaves is made directly in the catalogue, so no test depends on when a kill lands.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { HeirloomCore } from '../../src-main/core/service/heirloom-core';
import { makeTempDir, removeDir, sha256File, writePhoto } from '../helpers/fixtures';

interface Setup {
  dir: string;
  input: string;
  out: string;
  library: string;
  files: string[];
}

async function withPhotos(n: number, run: (s: Setup) => Promise<void>, opts: { sameFolder?: boolean } = {}): Promise<void> {
  const dir = makeTempDir('heirloom-resume-collide-');
  try {
    const input = path.join(dir, 'scans');
    const files: string[] = [];
    for (let i = 0; i < n; i++) files.push(await writePhoto(path.join(input, `bw${i}.png`), 96, 72, { seed: i, colour: false }));
    await run({ dir, input, out: opts.sameFolder ? input : path.join(dir, 'out'), library: path.join(dir, 'lib'), files });
  } finally {
    removeDir(dir);
  }
}

/** The same request each time (so it resumes): the scans folder to TIFFs. */
const batch = (s: Setup): { outDir: string; format: 'tiff'; workingSize: number; requestedInputs: string[] } => ({
  outDir: s.out,
  format: 'tiff',
  workingSize: 64,
  requestedInputs: [s.input],
});

/**
 * Turns item `seq` of the library's only job back into the state a SIGKILL between planning its output
 * and renaming it into place leaves: the item pending with its planned name, no output row, the job
 * interrupted. Returns the planned name; `keepFile` keeps the result there (killed after the rename).
 */
function killedBeforeRecording(library: string, seq: number, keepFile: boolean): string {
  const db = new Database(path.join(library, 'catalogue.sqlite'));
  try {
    const item = db.prepare('SELECT output_id, planned_output FROM job_items WHERE job_id = 1 AND seq = ?').get(seq) as {
      output_id: number;
      planned_output: string;
    };
    db.transaction(() => {
      db.prepare("UPDATE job_items SET status = 'pending', output_id = NULL WHERE job_id = 1 AND seq = ?").run(seq);
      db.prepare('DELETE FROM outputs WHERE id = ?').run(item.output_id);
      db.prepare("UPDATE jobs SET status = 'interrupted' WHERE id = 1").run();
    })();
    if (!keepFile) fs.rmSync(item.planned_output);
    return item.planned_output;
  } finally {
    db.close();
  }
}

test('a resumed batch never overwrites a file that now sits at its planned output name; it takes the next free name', async () => {
  await withPhotos(3, async (s) => {
    let core = HeirloomCore.open({ library: s.library });
    assert.equal((await core.colorizeBatch(s.files, batch(s))).status, 'done');
    core.close();
    const planned = killedBeforeRecording(s.library, 1, false);
    assert.equal(path.basename(planned), 'bw1.tiff');
    // The user's own file arrives at that name while the job waits to be resumed.
    fs.writeFileSync(planned, 'the family tree, typed up by grandma');
    const theirs = sha256File(planned);

    core = HeirloomCore.open({ library: s.library });
    try {
      const again = await core.colorizeBatch(s.files, batch(s));
      assert.equal(again.status, 'done');
      assert.equal(again.resumed?.alreadyDone, 2, 'the same job was continued');
      assert.equal(sha256File(planned), theirs, "the user's file at the planned name is untouched");
      const item = core.catalogue.jobItems(again.jobId)[1]!;
      assert.equal(path.basename(item.plannedOutput!), 'bw1 (2).tiff', 'the photo went to the next free name');
      const out = core.catalogue.getOutput(item.outputId!)!;
      assert.equal(out.path, item.plannedOutput);
      assert.equal(sha256File(out.path), out.sha256, 'the output row records the file that is really there');
      assert.deepEqual(fs.readdirSync(s.out).sort(), ['bw0.tiff', 'bw1 (2).tiff', 'bw1.tiff', 'bw2.tiff']);
    } finally {
      core.close();
    }
  });
});

test("a resumed batch never overwrites another job's recorded result at its planned name", async () => {
  await withPhotos(2, async (s) => {
    let core = HeirloomCore.open({ library: s.library });
    assert.equal((await core.colorizeBatch(s.files, batch(s))).status, 'done');
    core.close();
    const planned = killedBeforeRecording(s.library, 0, false);
    // Meanwhile another job (a different request: a smaller working size) wrote its result of bw1 at that very name.
    core = HeirloomCore.open({ library: s.library });
    const other = await core.colorizeBatch([s.files[1]!], { outDir: path.join(s.dir, 'elsewhere'), format: 'tiff', workingSize: 48 });
    const otherOut = core.catalogue.getOutput(other.results[0]!.outputId!)!;
    core.close();
    fs.renameSync(otherOut.path, planned);
    const db = new Database(path.join(s.library, 'catalogue.sqlite'));
    db.prepare('UPDATE outputs SET path = ? WHERE id = ?').run(planned, otherOut.id);
    db.close();

    core = HeirloomCore.open({ library: s.library });
    try {
      const again = await core.colorizeBatch(s.files, batch(s));
      assert.equal(again.status, 'done');
      assert.equal(sha256File(planned), otherOut.sha256, "the other job's result still has the bytes its row records");
      const item = core.catalogue.jobItems(again.jobId)[0]!;
      assert.equal(path.basename(item.plannedOutput!), 'bw0 (2).tiff');
    } finally {
      core.close();
    }
  });
});

test('a new scan saved at a planned output name (--out in the scans folder) is imported, not overwritten', async () => {
  await withPhotos(
    2,
    async (s) => {
      let core = HeirloomCore.open({ library: s.library });
      assert.equal((await core.colorizeBatch(s.files, batch(s))).status, 'done');
      core.close();
      const planned = killedBeforeRecording(s.library, 1, false);
      assert.equal(planned, path.join(s.input, 'bw1.tiff'));
      await writePhoto(planned, 80, 60, { seed: 9, colour: false }); // a new scan, saved as bw1.tiff
      const scan = sha256File(planned);

      core = HeirloomCore.open({ library: s.library });
      try {
        // The folder as the CLI collects it now: the new scan is one of its photos.
        const again = await core.colorizeBatch([...s.files, planned], batch(s));
        assert.equal(again.status, 'done', JSON.stringify(again.results));
        assert.equal(sha256File(planned), scan, 'the new scan is untouched');
        const original = core.catalogue.findOriginalBySha(scan);
        assert.ok(original, 'the new scan was imported as a photo');
        assert.equal(core.catalogue.listOutputs(original.id).length, 1, 'and colorized');
        const items = core.catalogue.jobItems(again.jobId);
        assert.equal(items.length, 3, 'the new scan joined the job');
        assert.ok(items.every((i) => i.status === 'done'));
        assert.equal(path.basename(items[1]!.plannedOutput!), 'bw1 (2).tiff');
      } finally {
        core.close();
      }
    },
    { sameFolder: true },
  );
});

test("a resumed batch keeps writing to its planned name when the file there is exactly the one it wrote (no '(2)' copy)", async () => {
  await withPhotos(2, async (s) => {
    let core = HeirloomCore.open({ library: s.library });
    assert.equal((await core.colorizeBatch(s.files, batch(s))).status, 'done');
    core.close();
    const planned = killedBeforeRecording(s.library, 1, true); // killed after the rename, before the catalogue row
    core = HeirloomCore.open({ library: s.library });
    try {
      const again = await core.colorizeBatch(s.files, batch(s));
      assert.equal(again.status, 'done');
      assert.deepEqual(fs.readdirSync(s.out).sort(), ['bw0.tiff', 'bw1.tiff']);
      const item = core.catalogue.jobItems(again.jobId)[1]!;
      assert.equal(item.plannedOutput, planned);
      assert.equal(sha256File(planned), core.catalogue.getOutput(item.outputId!)!.sha256);
    } finally {
      core.close();
    }
  });
});
