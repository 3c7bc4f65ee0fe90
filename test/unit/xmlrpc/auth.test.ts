import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize, parseAuthorization } from '../../../daemon/servers/http/auth.js';
import { passwordMatches as checkPassword, sha1Hex } from '../../../daemon/servers/password.js';
import { parseLogtailPath } from '../../../daemon/servers/http/logtail.js';
import { errorPage } from '../../../daemon/servers/http/responses.js';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('SHA passwords', () => {
  test('sha1Hex is the lowercase hex digest', () => {
    // The well-known SHA-1 of "test", as in Supervisor's docs ({SHA}a94a8fe5…).
    assert.equal(sha1Hex('test'), 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3');
    assert.equal(sha1Hex(''), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  test('checkPassword: plain text and {SHA}', () => {
    assert.ok(checkPassword('secret', 'secret'));
    assert.ok(!checkPassword('secret', 'Secret'));
    assert.ok(checkPassword('{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', 'test'));
    // Supervisor compares the digest as written with hexdigest() (lowercase): uppercase never matches.
    assert.ok(!checkPassword('{SHA}A94A8FE5CCB19BA61C4C0873D391E987982FBBD3', 'test'));
    assert.ok(!checkPassword('{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', '{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'));
    assert.ok(!checkPassword('{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', 'wrong'));
  });
});

describe('Authorization header parsing', () => {
  test('none, basic, other schemes, malformed', () => {
    assert.deepEqual(parseAuthorization(undefined), { kind: 'none' });
    assert.deepEqual(parseAuthorization(''), { kind: 'none' });
    assert.deepEqual(parseAuthorization(basic('user:pa:ss')), { kind: 'basic', username: 'user', password: 'pa:ss' });
    assert.deepEqual(parseAuthorization(basic('user:')), { kind: 'basic', username: 'user', password: '' });
    assert.deepEqual(parseAuthorization(`basic ${Buffer.from('ü:ß').toString('base64')}`), { kind: 'basic', username: 'ü', password: 'ß' });
    assert.deepEqual(parseAuthorization('Bearer abc'), { kind: 'unsupported', scheme: 'bearer' });
    assert.deepEqual(parseAuthorization('Basic'), { kind: 'unsupported', scheme: 'Basic' });
    assert.deepEqual(parseAuthorization('Basic !!notbase64'), { kind: 'malformed' });
    assert.deepEqual(parseAuthorization('Basic abc'), { kind: 'malformed' });
  });

  test('a cookie without a colon is a user with no password', () => {
    assert.deepEqual(parseAuthorization(basic('justuser')), { kind: 'basic', username: 'justuser', password: '' });
  });
});

describe('authorize', () => {
  test('no username configured: everything passes', () => {
    assert.deepEqual(authorize(undefined, null, null), { ok: true });
    assert.deepEqual(authorize('garbage', null, null), { ok: true });
  });

  test('with credentials: right → user, wrong/missing → 401, malformed → 400', () => {
    assert.deepEqual(authorize(basic('u:p'), 'u', 'p'), { ok: true, user: 'u' });
    assert.deepEqual(authorize(basic('u:test'), 'u', '{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'), { ok: true, user: 'u' });
    assert.deepEqual(authorize(basic('u:x'), 'u', 'p'), { ok: false, status: 401 });
    assert.deepEqual(authorize(basic('v:p'), 'u', 'p'), { ok: false, status: 401 });
    assert.deepEqual(authorize(undefined, 'u', 'p'), { ok: false, status: 401 });
    assert.deepEqual(authorize('Digest x', 'u', 'p'), { ok: false, status: 401 });
    assert.deepEqual(authorize('Basic a', 'u', 'p'), { ok: false, status: 400 });
  });
});

describe('logtail paths', () => {
  test('name, channel, default channel, escapes', () => {
    assert.deepEqual(parseLogtailPath('/logtail/cat'), { name: 'cat', channel: 'stdout' });
    assert.deepEqual(parseLogtailPath('/logtail/cat/stderr'), { name: 'cat', channel: 'stderr' });
    assert.deepEqual(parseLogtailPath('/logtail/grp:cat/stdout'), { name: 'grp:cat', channel: 'stdout' });
    assert.deepEqual(parseLogtailPath('/logtail/grp%3Acat/stdout'), { name: 'grp:cat', channel: 'stdout' });
    assert.deepEqual(parseLogtailPath('//logtail/cat'), { name: 'cat', channel: 'stdout' });
  });

  test('no name, bad channel, bad escape → null (404)', () => {
    assert.equal(parseLogtailPath('/logtail'), null);
    assert.equal(parseLogtailPath('/logtail/'), null);
    assert.equal(parseLogtailPath('/logtail/cat/stdin'), null);
    assert.equal(parseLogtailPath('/logtail/cat/stdout/x'), null);
    assert.equal(parseLogtailPath('/logtail/%E0%A4%A'), null);
  });
});

test("medusa's error page", () => {
  assert.equal(
    errorPage(401),
    '<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code 401.\r\n<p>Message: Unauthorized.\r\n</body>\r\n',
  );
});
