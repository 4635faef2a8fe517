#!/usr/bin/python3
"""Rebuild (or verify) training pool v4 from data/pool-v4/MANIFEST.tsv alone.

For each manifest row: read the original blob by path at the recorded commit from a bare mirror,
check its sha256, normalise it exactly as gather.py does, and check the dHash of the result. Prints
every row it could not rebuild, with the reason. Needs no network, only the mirrors.

  rebuild.py --mirrors MIRRORS --out DIR          # DIR/<file> for every row
  rebuild.py --mirrors MIRRORS --check-only --sample 300
  rebuild.py --get-repo 'my-fetch {repo} {commit}' ...  # a command that prints a bare git dir

Mirror layout for --mirrors: <mirrors>/<owner>+<name>/repo (a bare clone),
<mirrors>/<owner>+<name>/repo/.git, or <mirrors>/<owner>+<name> itself a git dir; the recorded commit must be in it. Run with `nice -n 15`; it is single-process.
"""
import argparse, hashlib, os, random, shlex, subprocess, sys

sys.dont_write_bytecode = True  # keep the working tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gather import MANIFEST, OUT, Drop, Git, dhash, jpeg_bytes, normalise, read_tsv  # noqa: E402


def find_gitdir(a, repo, commit):
    if a.get_repo:
        cmd = a.get_repo.format(repo=shlex.quote(repo), commit=shlex.quote(commit))
        return subprocess.check_output(cmd, shell=True, text=True).strip().splitlines()[-1]
    base = os.path.join(a.mirrors, repo.replace('/', '+'))
    for cand in (os.path.join(base, 'repo', '.git'), os.path.join(base, 'repo'), base):
        if os.path.isfile(os.path.join(cand, 'HEAD')):
            return cand
    return base


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--manifest', default=MANIFEST)
    ap.add_argument('--mirrors', required=False, default=os.environ.get('HEIRLOOM_MIRRORS', ''), help='folder of bare mirrors (or HEIRLOOM_MIRRORS)')
    ap.add_argument('--get-repo', default='', help='shell command with {repo} {commit}; prints the git dir')
    ap.add_argument('--out', default='', help='write rebuilt JPEGs here (default: do not write)')
    ap.add_argument('--check-only', action='store_true', help='only verify; also compare with the pool files')
    ap.add_argument('--pool', default=OUT, help='existing pool folder to compare bytes with (with --check-only)')
    ap.add_argument('--sample', type=int, default=0, help='rebuild only N random rows (seeded)')
    ap.add_argument('--slug', default='', help='only this source')
    ap.add_argument('--seed', type=int, default=31)
    a = ap.parse_args()
    rows = [r for r in read_tsv(a.manifest) if not a.slug or r['source_slug'] == a.slug]
    if a.sample and a.sample < len(rows):
        rows = random.Random(a.seed).sample(rows, a.sample)
    if a.out:
        os.makedirs(a.out, exist_ok=True)
    gits, failed, ok, same_bytes = {}, [], 0, 0
    for r in sorted(rows, key=lambda r: (r['repo'], r['commit'], r['original_path'])):
        key = (r['repo'], r['commit'])
        if key not in gits:
            try:
                gitdir = find_gitdir(a, *key)
                has_commit = subprocess.run(['git', '--git-dir', gitdir, 'cat-file', '-e', key[1] + '^{commit}'],
                                            capture_output=True).returncode == 0
                gits[key] = Git(gitdir) if has_commit else None
            except Exception as e:
                print('cannot get %s@%s: %s' % (r['repo'], r['commit'], e), file=sys.stderr)
                gits[key] = None
        git = gits[key]
        if git is None:
            failed.append((r['file'], 'no mirror holding %s@%s' % key))
            continue
        data = git.read('%s:%s' % (r['commit'], r['original_path']))
        if data is None:
            failed.append((r['file'], 'blob absent at %s:%s' % (r['commit'][:12], r['original_path'])))
            continue
        if hashlib.sha256(data).hexdigest() != r['original_sha256']:
            failed.append((r['file'], 'sha256 differs'))
            continue
        try:
            im, _size, _chroma = normalise(data)
        except Drop as d:
            failed.append((r['file'], 'normalise dropped it: %s' % d))
            continue
        h = '%016x' % dhash(im)
        if h != r['dhash']:
            failed.append((r['file'], 'dHash %s, manifest %s' % (h, r['dhash'])))
            continue
        out = jpeg_bytes(im)
        if a.out:
            with open(os.path.join(a.out, r['file']), 'wb') as f:
                f.write(out)
        if a.check_only and os.path.exists(os.path.join(a.pool, r['file'])):
            same_bytes += open(os.path.join(a.pool, r['file']), 'rb').read() == out
        ok += 1
    for name, why in failed:
        print('NOT REBUILT %s: %s' % (name, why))
    extra = ' (%d byte-identical to the files in %s)' % (same_bytes, a.pool) if a.check_only else ''
    print('rebuilt %d of %d rows%s; %d could not be rebuilt' % (ok, len(rows), extra, len(failed)))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
