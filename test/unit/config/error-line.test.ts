import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/config/types.js';

test('ConfigError.withLine adds the line to Supervisor\'s message', () => {
  const pos = { file: '/etc/s.conf', line: 12 };
  assert.equal(
    new ConfigError("invalid 'autorestart' value 'x' in section 'program:a' (file: '/etc/s.conf')", pos).withLine(),
    "invalid 'autorestart' value 'x' in section 'program:a' (file: '/etc/s.conf', line 12)",
  );
  assert.equal(new ConfigError('section [unix_http_server] has no file value', pos).withLine(),
    'section [unix_http_server] has no file value (/etc/s.conf:12)');
  // Parser errors carry their line already; unknown positions leave the text alone.
  const parse = "Source contains parsing errors: '/etc/s.conf' [line  2]: 'foo\\n'";
  assert.equal(new ConfigError(parse, pos).withLine(), parse);
  assert.equal(new ConfigError('No config file found', null).withLine(), 'No config file found');
  assert.equal(new ConfigError('x', { file: '/a', line: 0 }).withLine(), 'x');
});
