import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadError } from './helpers.js';

// conf text → the exact message of Debian's supervisor 4.2.5 (Python 3.11, env HOME=/root; its
// multi-line parser errors joined into one line), and the line of the offending key.
const cases: [string, string, number | null][] = [
  ["x=1\n", "File contains no section headers. file: 'FILE', line: 1 'x=1\\n'", 1],
  ["[supervisord]\nfoo\n  bar\n", "Source contains parsing errors: 'FILE' [line  2]: 'foo\\n' [line  3]: '  bar\\n'", 2],
  ["[program:x]\ncommand=a\n", ".ini file does not include supervisord section", null],
  ["[supervisord]\n[include]\n", ".ini file has [include] section, but no files setting", 2],
  ["[supervisord]\nminfds=abc\n", "invalid literal for int() with base 10: 'abc'", 2],
  ["[supervisord]\numask=8\n", "8 can not be converted to an octal type", 2],
  ["[supervisord]\nloglevel=bogus\n", "bad logging level name 'bogus'", 2],
  ["[supervisord]\nlogfile=/nonexistent/x.log\n", "The directory named as part of the path /nonexistent/x.log does not exist", 2],
  ["[supervisord]\ndirectory=/nonexistent\n", "/nonexistent is not an existing directory", 2],
  ["[supervisord]\nnodaemon=maybe\n", "not a valid boolean value: 'maybe'", 2],
  ["[supervisord]\nlogfile_maxbytes=1.5MB\n", "invalid literal for int() with base 10: '1.5'", 2],
  ["[supervisord]\nenvironment=A=1 B=2\n", "Unexpected end of key/value pairs in value 'A=1 B=2'", 2],
  ["[supervisord]\nenvironment=A=\"x\n", "No closing quotation", 2],
  ["[supervisord]\n[program:x]\n", "program section program:x does not specify a command in section 'program:x' (file: 'FILE')", 2],
  ["[supervisord]\n[program:x]\ncommand=%(nope)s\n", "Format string '%(nope)s' for 'program:x.command' contains names ('nope') which cannot be expanded. Available names: ENV_HOME, group_name, here, host_node_name, numprocs, process_num, program_name in section 'program:x' (file: 'FILE')", 3],
  ["[supervisord]\n[program:x]\ncommand=a %z\n", "Format string 'a %z' for 'program:x.command' is badly formatted: unsupported format character 'z' (0x7a) at index 3 in section 'program:x' (file: 'FILE')", 3],
  ["[supervisord]\n[program:x]\ncommand=a\nnumprocs=2\n", "%(process_num) must be present within process_name when numprocs > 1 in section 'program:x' (file: 'FILE')", 2],
  ["[supervisord]\n[program:x]\ncommand=a\nstopasgroup=true\nkillasgroup=false\n", "Cannot set stopasgroup=true and killasgroup=false in section 'program:x' (file: 'FILE')", 5],
  ["[supervisord]\n[program:x]\ncommand=a\nautorestart=sometimes\n", "invalid 'autorestart' value 'sometimes' in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[program:x]\ncommand=a\nstopsignal=FOO\n", "value 'FOO' is not a valid signal name in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[program:x]\ncommand=a\nstopsignal=99\n", "value '99' is not a valid signal number in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[program:x]\ncommand=a\nexitcodes=0,256\n", "not a valid list of exit codes: '0,256' in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[program:x]\ncommand=a\nuser=nosuchuser\n", "Invalid user name nosuchuser in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[program:x]\ncommand=a\nuser=99999\n", "Invalid user id 99999 in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[program:x]\ncommand=a\numask=9\n", "9 can not be converted to an octal type in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[program:a b]\ncommand=a\n", "Invalid name: 'a b' because of character: ' '", 2],
  ["[supervisord]\n[program:x]\ncommand=a\nprocess_name=a:b\n", "Invalid name: 'a:b' because of character: ':' in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[program:x]\ncommand=a\nstartsecs=x\n", "invalid literal for int() with base 10: 'x' in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[program:x]\ncommand=a\nstdout_logfile=/nonexistent/x\n", "The directory named as part of the path /nonexistent/x does not exist in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[program:x]\ncommand=a\nstdout_logfile=/tmp/a%%b\n", "Format string '/tmp/a%b' for 'stdout_logfile' is badly formatted: unsupported format character 'b' (0x62) at index 7 in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[group:g]\nprograms=zz\n", "[group:g] names unknown program or fcgi-program zz", 3],
  ["[supervisord]\n[group:g]\nprograms=a,zz\n[program:a]\ncommand=a\n", "[program:a] names unknown program or fcgi-program zz", 3],
  ["[supervisord]\n[eventlistener:l]\ncommand=a\n", "[eventlistener:l] section requires an \"events\" line", 2],
  ["[supervisord]\n[eventlistener:l]\ncommand=a\nevents=BOGUS\n", "Unknown event type BOGUS in [eventlistener:l] events", 4],
  ["[supervisord]\n[eventlistener:l]\ncommand=a\nevents=TICK_5\nbuffer_size=0\n", "[eventlistener:l] section sets invalid buffer_size (0)", 5],
  ["[supervisord]\n[eventlistener:l]\ncommand=a\nevents=TICK_5\nredirect_stderr=true\n", "[eventlistener:l] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol", 5],
  ["[supervisord]\n[fcgi-program:f]\ncommand=a\n", "[fcgi-program:f] section requires a \"socket\" line", 2],
  ["[supervisord]\n[fcgi-program:f]\ncommand=a\nsocket=tcp://h:1\nsocket_mode=0700\n", "socket_owner and socket_mode params should only be used with a Unix domain socket in [fcgi-program:f] socket", 4],
  ["[supervisord]\n[fcgi-program:f]\ncommand=a\nsocket=tcp://h:1\nsocket_backlog=0\n", "Invalid socket_backlog value 0", 5],
  ["[supervisord]\n[inet_http_server]\n", "section [inet_http_server] has no port value", 2],
  ["[supervisord]\n[inet_http_server]\nport=abc\n", "not a valid port number: 'abc' ", 3],
  ["[supervisord]\n[inet_http_server]\nport=host:\n", "no port number specified in ''", 3],
  ["[supervisord]\n[inet_http_server]\nport=0\n", "not a valid port number: '0' ", 3],
  ["[supervisord]\n[inet_http_server]\nport=host:abc\n", "invalid literal for int() with base 10: 'abc'", 3],
  ["[supervisord]\n[inet_http_server]\nport=9001\nusername=u\n", "Section [inet_http_server] contains incomplete authentication: If a username or a password is specified, both the username and password must be specified", 2],
  ["[supervisord]\n[unix_http_server]\n", "section [unix_http_server] has no file value", 2],
  ["[supervisord]\n[unix_http_server]\nfile=/tmp/x.sock\nchmod=9\n", "Invalid chmod value 9", 4],
  ["[supervisord]\n[unix_http_server]\nfile=/tmp/x.sock\nchown=nosuch\n", "Invalid sockchown value nosuch", 4],
  ["[supervisord]\n[rpcinterface:x]\n", "section [rpcinterface:x] does not specify a supervisor.rpcinterface_factory", 2],
  ["[supervisord]\n[program:x]\ncommand=a\npriority=x\n", "invalid literal for int() with base 10: 'x'", 4],
  ["[supervisord]\nuser=nosuchuser\n", "Invalid user name nosuchuser", 2],
  ["[supervisord]\nenvironment=A=%(host_node_name)s\n", "Format string 'A=%(host_node_name)s' for 'supervisord.environment' contains names ('host_node_name') which cannot be expanded. Available names: ENV_HOME, here", 2],
  ["[supervisord]\n[program:x]\ncommand=a\nstdout_logfile_maxbytes=5X\n", "invalid literal for int() with base 10: '5x' in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[program:x]\ncommand=a\nautostart=%(process_num)d\n", "Format string '%(process_num)d' for 'program:x.autostart' contains names ('process_num') which cannot be expanded. Available names: ENV_HOME, group_name, here, host_node_name, program_name in section 'program:x' (file: 'FILE')", 4],
  ["[supervisord]\n[eventlistener:a b]\ncommand=x\nevents=TICK_5\n", "Invalid name: 'a b' because of character: ' ' in section 'eventlistener:a b' (file: 'FILE')", 2],
  ["[supervisord]\n[program:x]\ncommand=a %(ENV_NOPE)d\n", "Format string 'a %(ENV_NOPE)d' for 'program:x.command' contains names ('ENV_NOPE') which cannot be expanded. Available names: ENV_HOME, group_name, here, host_node_name, numprocs, process_num, program_name in section 'program:x' (file: 'FILE')", 3],
  ["[supervisord]\n[program:x]\ncommand=a %(program_name)d\n", "Format string 'a %(program_name)d' for 'program:x.command' is badly formatted: %d format: a real number is required, not str in section 'program:x' (file: 'FILE')", 3],
  ["[supervisord]\n[inet_http_server]\nport=70000\n", "not a valid port number: '70000' ", 3],
];

for (const [text, message, line] of cases) {
  test(`load error: ${message.slice(0, 90)}`, () => {
    const got = loadError(text);
    assert.equal(got.message, message);
    assert.equal(got.line, line);
  });
}
