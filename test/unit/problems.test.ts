// Every error a person may meet has a code, words for it in each of the window's languages, and the
// same code on every face; messages name no method or schema field.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseCall } from '../../src-main/api/schemas';
import { CodedError, errorReply, fromErrorReply, PROBLEM_CODES, problemOf, readStoredProblem, storeProblem } from '../../src-main/contract/problems';
import { PhotoError, explainReadError } from '../../src-main/core/imaging/photo-error';
import { REPO_ROOT } from '../helpers/fixtures';

const locale = (l: string): Record<string, string> =>
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'src-renderer', 'locales', `${l}.json`), 'utf8')) as Record<string, string>;

describe('problems: codes, words, transport', () => {
  test('each code has words in English and Russian, with the same {parameters}', () => {
    const en = locale('en');
    const ru = locale('ru');
    const params = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const code of PROBLEM_CODES) {
      const key = `problem.${code}`;
      assert.ok(en[key], `${key} in en.json`);
      assert.ok(ru[key], `${key} in ru.json`);
      assert.deepEqual(params(ru[key]), params(en[key]), key);
      assert.ok(/[а-яё]/i.test(ru[key]), `${key} is Russian`);
    }
  });

  test('a refused argument is coded and names no method or field (a 5,000-character path)', () => {
    let err: unknown;
    try {
      parseCall('importPaths', ['/' + 'x'.repeat(5000)]);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof CodedError);
    assert.equal(err.problem.code, 'path.tooLong');
    assert.doesNotMatch(err.message, /importPaths|\b0:/);
    assert.match(err.message, /invalid argument: path too long/);
    assert.throws(
      () => parseCall('createAlbum', { name: '  ' }),
      (e: unknown) => e instanceof CodedError && e.problem.code === 'album.nameEmpty',
    );
    assert.throws(
      () => parseCall('getPhoto', 'x'),
      (e: unknown) => e instanceof CodedError && e.problem.code === 'request.invalid',
    );
  });

  test("a photo's read errors carry its file's name", () => {
    const gone = explainReadError('/photos/Grandma.jpg', Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));
    assert.deepEqual(gone.problem, { code: 'photo.notFound', params: { name: 'Grandma.jpg' } });
    const odd = new PhotoError('not-an-image', '/p/a.jpg', 'not a file', { code: 'photo.notAFile' });
    assert.deepEqual(odd.problem, { code: 'photo.notAFile', params: { name: 'a.jpg' } });
  });

  test('an error crosses a boundary with its problem; an uncoded one is "unexpected" with its message', () => {
    const e = new CodedError('photo.originalMissing', { id: 30, name: 'a.jpg' }, 'the original file of photo 30 is missing (a.jpg)');
    const back = fromErrorReply(JSON.parse(JSON.stringify(errorReply(e))));
    assert.equal(back.message, e.message);
    assert.deepEqual(back.problem, e.problem);
    assert.deepEqual(problemOf(new Error('boom')), { code: 'unexpected', params: { detail: 'boom' } });
    assert.equal(fromErrorReply({ message: 'x', problem: { code: 'no.such', params: {} } as never }).problem.code, 'unexpected');
  });

  test('a stored error keeps its problem; an old plain message reads back as it was', () => {
    const stored = storeProblem('file not found', { code: 'photo.notFound', params: { name: 'a.jpg' } });
    assert.deepEqual(readStoredProblem(stored), { message: 'file not found', problem: { code: 'photo.notFound', params: { name: 'a.jpg' } } });
    assert.deepEqual(readStoredProblem('3 of 4 photos failed'), {
      message: '3 of 4 photos failed',
      problem: { code: 'unexpected', params: { detail: '3 of 4 photos failed' } },
    });
    assert.equal(storeProblem('plain', undefined), 'plain');
  });
});
