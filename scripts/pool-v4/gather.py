#!/usr/bin/python3
"""Gather colour photos for training pool v4 (issue #31) from fetched GitHub snapshots.

Data only: blobs are read from a bare mirror with `git cat-file`; no code from a mirror is run.
Normalisation follows shared/datasets/MANIFEST.md (Debian Pillow 9.4):
  EXIF orientation -> ICC to sRGB -> alpha flattened on white -> drop gray/palette-gray modes,
  unreadable files, short side < 96 -> Lanczos to short side 256 -> centre-crop long side to <= 512
  -> drop mean YCbCr chroma < MIN_CHROMA (6.0 for v4; the shared pool used 4.0) -> JPEG quality 90,
  4:2:0, optimize, no ICC. Candidates are taken in sha1(path) order, so a --limit spreads over a source.
Dedup: sha256 of the source blob, and 64-bit dHash of the normalised image (Hamming <= 5) against
itself, the shared pool, shared/samples/historic, shared/datasets/real-damage and main/samples.

  gather.py refs                         # hash the reference sets once (refs.tsv)
  gather.py source --slug S --mirror GITDIR --include REGEX [--exclude REGEX] [--limit N]
            --people yes|no|unknown --licence TEXT --what TEXT [--commit C] [--replace | --extend]
  (--extend keeps the slug's rows and continues where the last run stopped, up to --limit in all)
Writes photos to shared/datasets/photos-v4, rows to main/data/pool-v4/MANIFEST.tsv, and per-source
state to photos-v4/{sources,drops}.tsv. Run with `nice -n 15`; it is single-process.
"""
import argparse, csv, hashlib, io, os, re, subprocess, sys
import numpy as np
from PIL import Image, ImageCms, ImageOps

MAIN = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SHARED = os.environ.get('HEIRLOOM_SHARED', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared'))
OUT = os.path.join(SHARED, 'datasets', 'photos-v4')
MANIFEST = os.path.join(MAIN, 'data', 'pool-v4', 'MANIFEST.tsv')
REFS = os.path.join(OUT, 'refs.tsv')          # dHash + sha256 of every reference image
DROPS = os.path.join(OUT, 'drops.tsv')        # slug, reason, count
SOURCES = os.path.join(OUT, 'sources.tsv')    # one row per source run
COLS = ['file', 'source_slug', 'repo', 'commit', 'original_path', 'original_sha256', 'original_width',
        'original_height', 'mean_chroma', 'dhash', 'people', 'licence']
MIN_SHORT, SHORT, MAX_LONG, MIN_CHROMA, HAMMING = 96, 256, 512, 6.0, 5
IMAGE_EXT = re.compile(r'\.(jpe?g|png|webp)$', re.I)
# Never taken, whatever the source (issue #31 rules): COCO, Kodak, ImageNet val, SR/denoise test sets.
FORBIDDEN = re.compile(r'coco|train201[47]|val201[47]|test201[57]|kodim|kodak|ilsvrc|imagenet[^/]*/val|'
                       r'(^|/)val/n\d{8}/|set5|set14|bsd100|bsds|cbsd|urban100|manga109|mcmaster', re.I)
SRGB = ImageCms.createProfile('sRGB')


class Drop(Exception):
    pass


def normalise(data):
    """Bytes of a source file -> (RGB image, original (w, h) after orientation, mean chroma)."""
    try:
        im = Image.open(io.BytesIO(data))
        im.load()
        im = ImageOps.exif_transpose(im)
    except Exception:
        raise Drop('unreadable')
    if im.mode in ('1', 'L', 'LA', 'I', 'I;16', 'F') or (im.mode in ('P', 'PA') and is_gray_palette(im)):
        raise Drop('grayscale-mode')
    icc = im.info.get('icc_profile')
    try:
        if im.mode == 'P':
            im = im.convert('RGBA' if 'transparency' in im.info else 'RGB')
        if im.mode == 'CMYK' and not icc:
            im = im.convert('RGB')
        if icc:
            mode = 'RGBA' if im.mode in ('RGBA', 'LA', 'PA') else 'RGB'
            try:
                src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            except Exception:
                raise Drop('bad-icc')
            im = ImageCms.profileToProfile(im, src, SRGB, outputMode=mode)
        if im.mode in ('RGBA', 'PA', 'RGBa'):
            im = im.convert('RGBA')
            bg = Image.new('RGB', im.size, (255, 255, 255))
            bg.paste(im, mask=im.getchannel('A'))
            im = bg
        im = im.convert('RGB')
    except Drop:
        raise
    except Exception:
        raise Drop('unreadable')
    w, h = im.size
    if min(w, h) < MIN_SHORT:
        raise Drop('too-small')
    im = resize_crop(im)
    return im, (w, h), mean_chroma(im)


def resize_crop(im):
    """Lanczos so the short side is 256, then centre-crop the long side to at most 512."""
    w, h = im.size
    nw, nh = (SHORT, max(SHORT, round(h * SHORT / w))) if w <= h else (max(SHORT, round(w * SHORT / h)), SHORT)
    im = im.resize((nw, nh), Image.LANCZOS)
    if nw > MAX_LONG:
        left = (nw - MAX_LONG) // 2
        im = im.crop((left, 0, left + MAX_LONG, nh))
    elif nh > MAX_LONG:
        top = (nh - MAX_LONG) // 2
        im = im.crop((0, top, nw, top + MAX_LONG))
    return im


def is_gray_palette(im):
    pal = im.getpalette() or []
    return all(pal[i] == pal[i + 1] == pal[i + 2] for i in range(0, len(pal) - 2, 3))


def mean_chroma(im):
    a = np.asarray(im.convert('YCbCr')).astype(np.float64)
    return float(np.sqrt((a[..., 1] - 128) ** 2 + (a[..., 2] - 128) ** 2).mean())


def dhash(im):
    """64-bit difference hash: gray, Lanczos to 9x8, bit = left pixel brighter than its right neighbour."""
    a = np.asarray(im.convert('L').resize((9, 8), Image.LANCZOS)).astype(np.int16)
    bits = (a[:, :-1] > a[:, 1:]).flatten()
    return int(''.join('1' if b else '0' for b in bits), 2)


def jpeg_bytes(im):
    buf = io.BytesIO()
    im.save(buf, 'JPEG', quality=90, optimize=True)
    return buf.getvalue()


class HashIndex:
    """Multi-index hashing: 6 chunks of the 64 bits; distance <= 5 means one chunk is identical."""
    CUTS = [(0, 11), (11, 22), (22, 33), (33, 44), (44, 54), (54, 64)]

    def __init__(self):
        self.tables = [dict() for _ in self.CUTS]
        self.names = {}

    def add(self, h, name):
        self.names.setdefault(h, name)
        for t, (a, b) in zip(self.tables, self.CUTS):
            t.setdefault((h >> a) & ((1 << (b - a)) - 1), set()).add(h)

    def near(self, h, dist=HAMMING):
        for t, (a, b) in zip(self.tables, self.CUTS):
            for other in t.get((h >> a) & ((1 << (b - a)) - 1), ()):
                if bin(h ^ other).count('1') <= dist:
                    return self.names[other]
        return None


class Git:
    """Reads blobs of a bare mirror through one `git cat-file --batch` process."""

    def __init__(self, gitdir):
        self.gitdir = gitdir
        self.p = subprocess.Popen(['git', '--git-dir', gitdir, 'cat-file', '--batch'], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)

    def read(self, spec):
        self.p.stdin.write(spec.encode() + b'\n')
        self.p.stdin.flush()
        head = self.p.stdout.readline().split()
        if len(head) < 3 or head[1] != b'blob':
            return None
        data = self.p.stdout.read(int(head[2]))
        self.p.stdout.read(1)
        return data

    def rev(self, ref):
        return subprocess.check_output(['git', '--git-dir', self.gitdir, 'rev-parse', ref + '^{commit}'], text=True).strip()

    def ls(self, commit):
        out = subprocess.check_output(['git', '--git-dir', self.gitdir, 'ls-tree', '-r', '-z', commit])
        for entry in out.split(b'\0'):
            if entry:
                meta, path = entry.split(b'\t', 1)
                mode, kind, sha = meta.split()
                if kind == b'blob':
                    yield path.decode('utf-8', 'replace'), sha.decode()


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline='') as f:
        return list(csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE))


def write_tsv(path, rows, cols):
    tmp = path + '.tmp'
    with open(tmp, 'w', newline='') as f:
        w = csv.DictWriter(f, cols, delimiter='\t', quoting=csv.QUOTE_NONE, lineterminator='\n')
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, path)


def cmd_refs(_args):
    """dHash and sha256 of every reference image (never to be matched by a v4 photo)."""
    sets = [('pool', os.path.join(SHARED, 'datasets', 'photos')), ('historic', os.path.join(SHARED, 'samples', 'historic')),
            ('real-damage', os.path.join(SHARED, 'datasets', 'real-damage')), ('main-samples', os.path.join(MAIN, 'samples'))]
    rows = []
    for kind, folder in sets:
        for name in sorted(os.listdir(folder)):
            if not IMAGE_EXT.search(name) and not name.lower().endswith(('.tif', '.tiff')):
                continue
            data = open(os.path.join(folder, name), 'rb').read()
            im = Image.open(io.BytesIO(data))
            im = ImageOps.exif_transpose(im).convert('RGB')
            # the pool files are already normalised; the others are hashed as is and normalised
            h = dhash(im) if kind == 'pool' else dhash(resize_crop(im))
            rows.append({'set': kind, 'name': name, 'sha256': hashlib.sha256(data).hexdigest(), 'dhash': '%016x' % h})
    for r in read_tsv(os.path.join(SHARED, 'datasets', 'photos_sources.tsv')):
        rows.append({'set': 'pool-source', 'name': r['file'], 'sha256': r['original_sha256'], 'dhash': ''})
    write_tsv(REFS, rows, ['set', 'name', 'sha256', 'dhash'])
    print('refs:', len(rows), 'rows ->', REFS)


def safe_stem(s):
    return re.sub(r'[^A-Za-z0-9._-]+', '_', s).strip('._') or 'img'


def cmd_source(a):
    os.makedirs(OUT, exist_ok=True)
    manifest = read_tsv(MANIFEST)
    if a.replace:
        for r in manifest:
            if r['source_slug'] == a.slug and os.path.exists(os.path.join(OUT, r['file'])):
                os.remove(os.path.join(OUT, r['file']))
        manifest = [r for r in manifest if r['source_slug'] != a.slug]
    elif any(r['source_slug'] == a.slug for r in manifest) and not a.extend:
        sys.exit('slug %s already in the manifest (use --replace or --extend)' % a.slug)
    index, shas = HashIndex(), set()
    for r in read_tsv(REFS):
        shas.add(r['sha256'])
        if r['dhash']:
            index.add(int(r['dhash'], 16), r['set'] + ':' + r['name'])
    for r in manifest:
        shas.add(r['original_sha256'])
        index.add(int(r['dhash'], 16), r['file'])
    git = Git(a.mirror)
    commit = git.rev(a.commit or 'HEAD')
    inc, exc = re.compile(a.include), re.compile(a.exclude) if a.exclude else None
    cands = [(p, s) for p, s in git.ls(commit) if IMAGE_EXT.search(p) and inc.search(p) and not (exc and exc.search(p))]
    forbidden = [p for p, _ in cands if FORBIDDEN.search(p)]
    cands = [(p, s) for p, s in cands if not FORBIDDEN.search(p)]
    # deterministic spread over the whole source: order by sha1 of the path
    cands.sort(key=lambda c: hashlib.sha1(c[0].encode()).hexdigest())
    drops = {'forbidden-path': len(forbidden)}
    used_stems = {r['file'] for r in manifest if r['source_slug'] == a.slug}
    kept, start = [], 0
    if a.extend:
        # continue after the last candidate the earlier run kept: the result equals one run with the larger limit
        done = {r['original_path'] for r in manifest if r['source_slug'] == a.slug}
        prev = [r for r in read_tsv(SOURCES) if r['slug'] == a.slug]
        if prev and prev[0].get('next_index'):
            start = int(prev[0]['next_index'])
        else:
            start = max([i + 1 for i, (p, _) in enumerate(cands) if p in done] or [0])
        for r in read_tsv(DROPS):
            if r['slug'] == a.slug and r['reason'] != 'forbidden-path':
                drops[r['reason']] = int(r['count'])
    limit_total = a.limit
    room = None if not a.limit else max(0, a.limit - (len(used_stems) if a.extend else 0))
    min_chroma = a.min_chroma
    next_index = start
    for n, (path, blob) in enumerate(cands[start:], start):
        if room is not None and len(kept) >= room:
            break
        next_index = n + 1
        data = git.read(blob)
        if data is None:
            drops['absent-blob'] = drops.get('absent-blob', 0) + 1
            continue
        sha = hashlib.sha256(data).hexdigest()
        try:
            if sha in shas:
                raise Drop('sha-duplicate')
            im, (w, h), chroma = normalise(data)
            if chroma < min_chroma:
                raise Drop('low-chroma')
            hv = dhash(im)
            near = index.near(hv)
            if near is not None:
                raise Drop('near-duplicate-ref' if ':' in near else 'near-duplicate')
        except Drop as d:
            drops[str(d)] = drops.get(str(d), 0) + 1
            shas.add(sha)
            continue
        base = safe_stem(os.path.splitext(os.path.basename(path))[0])
        stem, parent = base, safe_stem(os.path.basename(os.path.dirname(path)))
        if '%s_%s.jpg' % (a.slug, stem) in used_stems:
            stem = '%s_%s' % (parent, base)
        i = 2
        while '%s_%s.jpg' % (a.slug, stem) in used_stems:
            stem, i = '%s_%s_%d' % (parent, base, i), i + 1
        name = '%s_%s.jpg' % (a.slug, stem)
        used_stems.add(name)
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(jpeg_bytes(im))
        shas.add(sha)
        index.add(hv, name)
        kept.append({'file': name, 'source_slug': a.slug, 'repo': a.repo, 'commit': commit, 'original_path': path,
                     'original_sha256': sha, 'original_width': w, 'original_height': h, 'mean_chroma': '%.2f' % chroma,
                     'dhash': '%016x' % hv, 'people': a.people, 'licence': a.licence})
        if len(kept) % 500 == 0:
            print('  %s: %d kept of %d read' % (a.slug, len(kept), n + 1), flush=True)
    write_tsv(MANIFEST, manifest + kept, COLS)
    drop_rows = [r for r in read_tsv(DROPS) if r['slug'] != a.slug]
    drop_rows += [{'slug': a.slug, 'reason': k, 'count': v} for k, v in sorted(drops.items()) if v]
    write_tsv(DROPS, drop_rows, ['slug', 'reason', 'count'])
    src_rows = [r for r in read_tsv(SOURCES) if r['slug'] != a.slug]
    src_rows.append({'slug': a.slug, 'repo': a.repo, 'commit': commit, 'include': a.include, 'exclude': a.exclude or '',
                     'limit': limit_total or '', 'min_chroma': min_chroma, 'candidates': len(cands),
                     'kept': sum(1 for r in manifest + kept if r['source_slug'] == a.slug), 'next_index': next_index,
                     'people': a.people,
                     'licence': a.licence, 'what': a.what})
    write_tsv(SOURCES, src_rows, ['slug', 'repo', 'commit', 'include', 'exclude', 'limit', 'min_chroma', 'candidates', 'kept', 'next_index', 'people',
                                  'licence', 'what'])
    total = sum(1 for r in manifest if r['source_slug'] == a.slug) + len(kept)
    print('%s: kept %d new (%d in all) of %d candidates; dropped %s' % (a.slug, len(kept), total, len(cands), drops))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    sub.add_parser('refs')
    s = sub.add_parser('source')
    s.add_argument('--slug', required=True)
    s.add_argument('--repo', required=True, help='owner/name')
    s.add_argument('--mirror', required=True, help='bare git dir of the snapshot')
    s.add_argument('--commit', default='', help='commit to read (default HEAD of the snapshot)')
    s.add_argument('--include', default='.', help='regex a path must match')
    s.add_argument('--exclude', default='', help='regex a path must not match')
    s.add_argument('--limit', type=int, default=0, help='stop after this many kept (0 = all)')
    s.add_argument('--min-chroma', type=float, default=MIN_CHROMA)
    s.add_argument('--people', choices=['yes', 'no', 'unknown'], required=True)
    s.add_argument('--licence', required=True)
    s.add_argument('--what', required=True)
    s.add_argument('--replace', action='store_true', help='drop this slug from the manifest first')
    s.add_argument('--extend', action='store_true', help='keep this slug\'s rows and take more, up to --limit in all')
    a = ap.parse_args()
    cmd_refs(a) if a.cmd == 'refs' else cmd_source(a)


if __name__ == '__main__':
    main()
