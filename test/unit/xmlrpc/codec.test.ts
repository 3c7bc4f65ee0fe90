import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cappedInt,
  decodeMethodCall,
  decodeMethodResponse,
  encodeFault,
  encodeMethodCall,
  encodeMethodResponse,
  escapeXml,
  MAXINT,
  MININT,
  parseXml,
  XmlRpcDouble,
  XmlRpcEncodeError,
  XmlRpcParseError,
} from '../../../src/client/xmlrpc-codec.js';

/** Encodes a value as a response and decodes it back. */
function roundTrip(v: unknown, base64: 'buffer' | 'string' = 'buffer'): unknown {
  const r = decodeMethodResponse(encodeMethodResponse(v), { base64 });
  assert.equal(r.kind, 'value');
  return (r as { value: unknown }).value;
}

describe('XML-RPC encoding matches Python xmlrpc.client byte for byte', () => {
  // Expected texts were produced by Python 3's xmlrpc.client.dumps.
  test('a methodCall with a struct of every common type', () => {
    const xml = encodeMethodCall('m.n', [
      { a: [1, true, 's<&>'], b: Buffer.from('hi'), c: 1.5, d: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) },
    ]);
    assert.equal(
      xml,
      "<?xml version='1.0'?>\n<methodCall>\n<methodName>m.n</methodName>\n<params>\n<param>\n<value><struct>\n" +
        '<member>\n<name>a</name>\n<value><array><data>\n<value><int>1</int></value>\n<value><boolean>1</boolean></value>\n' +
        '<value><string>s&lt;&amp;&gt;</string></value>\n</data></array></value>\n</member>\n' +
        '<member>\n<name>b</name>\n<value><base64>\naGk=\n</base64></value>\n</member>\n' +
        '<member>\n<name>c</name>\n<value><double>1.5</double></value>\n</member>\n' +
        '<member>\n<name>d</name>\n<value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value>\n</member>\n' +
        '</struct></value>\n</param>\n</params>\n</methodCall>\n',
    );
  });

  test('a fault', () => {
    assert.equal(
      encodeFault(10, 'BAD_NAME: x'),
      "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n" +
        '<value><int>10</int></value>\n</member>\n<member>\n<name>faultString</name>\n' +
        '<value><string>BAD_NAME: x</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n',
    );
  });

  test('a response and a call without params', () => {
    assert.equal(
      encodeMethodResponse(5),
      "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>5</int></value>\n</param>\n</params>\n</methodResponse>\n",
    );
    assert.equal(encodeMethodCall('a.b'), "<?xml version='1.0'?>\n<methodCall>\n<methodName>a.b</methodName>\n<params>\n</params>\n</methodCall>\n");
  });

  test('base64 is wrapped at 76 characters like base64.encodebytes', () => {
    const xml = encodeMethodResponse(Buffer.alloc(100, 1));
    const body = /<base64>\n([^<]*)<\/base64>/.exec(xml)![1]!;
    const lines = body.split('\n');
    assert.equal(lines[0]!.length, 76);
    assert.equal(lines[lines.length - 1], '');
  });
});

describe('round trips of every type', () => {
  test('scalars', () => {
    for (const v of [0, 1, -1, MAXINT, MININT, true, false, '', 'plain', 'ünïcödé ✓ 🎉', 1.5, -0.25, 1e-7, 3.5e-100]) {
      assert.deepEqual(roundTrip(v), v);
    }
  });

  test('doubles: integral values, infinities and NaN', () => {
    assert.equal(roundTrip(new XmlRpcDouble(2)), 2);
    // Integral numbers travel as (capped) ints; XmlRpcDouble keeps a big one whole.
    assert.equal(roundTrip(new XmlRpcDouble(3.5e100)), 3.5e100);
    assert.match(encodeMethodResponse(new XmlRpcDouble(2)), /<double>2\.0<\/double>/);
    assert.equal(roundTrip(Infinity), Infinity);
    assert.equal(roundTrip(-Infinity), -Infinity);
    assert.ok(Number.isNaN(roundTrip(NaN)));
  });

  test('base64 as Buffer (client) or text (server)', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    assert.deepEqual(roundTrip(bytes), bytes);
    assert.equal(roundTrip(Buffer.from('héllo'), 'string'), 'héllo');
    assert.deepEqual(roundTrip(Buffer.alloc(0)), Buffer.alloc(0));
  });

  test('dateTime.iso8601', () => {
    const d = new Date(Date.UTC(1999, 11, 31, 23, 59, 58));
    assert.deepEqual(roundTrip(d), d);
  });

  test('nested arrays and structs, empty ones too', () => {
    const v = { list: [1, [2, [3, []]], { deep: { er: 'x' } }], empty: {}, none: [] };
    assert.deepEqual(roundTrip(v), v);
    assert.deepEqual(roundTrip([]), []);
  });

  test('a member named __proto__ stays a plain key', () => {
    const v = roundTrip(JSON.parse('{"__proto__": 5, "a": 1}')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ['__proto__', 'a']);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
  });

  test('undefined struct members are left out', () => {
    assert.deepEqual(roundTrip({ a: 1, b: undefined }), { a: 1 });
  });

  test('a methodCall', () => {
    const c = decodeMethodCall(encodeMethodCall('supervisor.startProcess', ['cat', false]));
    assert.deepEqual(c, { method: 'supervisor.startProcess', params: ['cat', false] });
  });
});

describe('escaping', () => {
  test('&, <, > and CR are escaped; the rest is kept', () => {
    assert.equal(escapeXml('a&b<c>d"e\'f\r\n'), 'a&amp;b&lt;c&gt;d"e\'f&#13;\n');
  });

  test('text with markup characters and CR survives a round trip', () => {
    const s = '<tag attr="x">&amp; ]]> \r\n \r \t';
    assert.equal(roundTrip(s), s);
    assert.equal(decodeMethodCall(encodeMethodCall('a.b', [s])).params[0], s);
  });

  test('raw CR and CRLF read as LF (XML end-of-line rules, what Python sees)', () => {
    const xml = '<methodResponse><params><param><value><string>a\r\nb\rc&#13;d</string></value></param></params></methodResponse>';
    assert.deepEqual(decodeMethodResponse(xml), { kind: 'value', value: 'a\nb\nc\rd' });
  });

  test('entities, character references and CDATA decode', () => {
    const xml =
      '<methodResponse><params><param><value>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;<![CDATA[<raw&>]]></value></param></params></methodResponse>';
    assert.deepEqual(decodeMethodResponse(xml), { kind: 'value', value: `<>&"'AB<raw&>` });
  });

  test('control characters Supervisor sends raw (ANSI colours in logs) are accepted', () => {
    const xml = '<methodResponse><params><param><value><string>\x1b[31mred\x1b[0m</string></value></param></params></methodResponse>';
    assert.deepEqual(decodeMethodResponse(xml), { kind: 'value', value: '\x1b[31mred\x1b[0m' });
  });
});

describe('decoding what other clients send', () => {
  test('a value without a type is a string, whitespace kept', () => {
    const c = decodeMethodCall('<methodCall><methodName>a.b</methodName><params><param><value>  x  </value></param></params></methodCall>');
    assert.deepEqual(c.params, ['  x  ']);
  });

  test('i4, i8, padded ints; no <params> at all; comments, PIs and attributes', () => {
    const c = decodeMethodCall(
      "\ufeff<?xml version='1.0' encoding='utf-8'?>\n<!-- hi --><methodCall a='1'><methodName>a.b</methodName>" +
        '<params><param><value><i4> 7 </i4></value></param><param><value><i8>+8</i8></value></param></params></methodCall>',
    );
    assert.deepEqual(c.params, [7, 8]);
    assert.deepEqual(decodeMethodCall('<methodCall><methodName>a.b</methodName></methodCall>').params, []);
  });

  test('an empty string element and an empty value', () => {
    const c = decodeMethodCall('<methodCall><methodName>a.b</methodName><params><param><value><string/></value></param><param><value/></param></params></methodCall>');
    assert.deepEqual(c.params, ['', '']);
  });

  test('nil decodes to null; the encoder refuses null unless allowNone', () => {
    assert.deepEqual(decodeMethodResponse('<methodResponse><params><param><value><nil/></value></param></params></methodResponse>'), {
      kind: 'value',
      value: null,
    });
    assert.throws(() => encodeMethodResponse(null), XmlRpcEncodeError);
    assert.match(encodeMethodResponse(null, { allowNone: true }), /<value><nil\/><\/value>/);
  });

  test('a methodCall with no method name decodes to an empty name', () => {
    assert.equal(decodeMethodCall('<methodCall><params/></methodCall>').method, '');
  });

  test('fault responses', () => {
    const r = decodeMethodResponse(encodeFault(70, 'NOT_RUNNING: cat'));
    assert.deepEqual(r, { kind: 'fault', code: 70, faultString: 'NOT_RUNNING: cat' });
  });
});

describe('int range as Supervisor', () => {
  test('cappedInt clamps to the XML-RPC int range', () => {
    assert.equal(cappedInt(2 ** 40), MAXINT);
    assert.equal(cappedInt(-(2 ** 40)), MININT);
    assert.equal(cappedInt(12.9), 12);
  });

  test('out-of-range integers are sent capped, never as invalid <int>', () => {
    assert.equal(roundTrip(2 ** 33), MAXINT);
    assert.equal(roundTrip(-(2 ** 33)), MININT);
    assert.equal(roundTrip(10n), 10);
  });
});

describe('bad values to encode', () => {
  test('functions, symbols, undefined, cycles, invalid dates', () => {
    assert.throws(() => encodeMethodResponse(() => 1), /cannot marshal function/);
    assert.throws(() => encodeMethodResponse(Symbol('x')), /cannot marshal symbol/);
    assert.throws(() => encodeMethodResponse(undefined), /cannot marshal undefined/);
    const a: unknown[] = [];
    a.push(a);
    assert.throws(() => encodeMethodResponse(a), /recursive/);
    assert.throws(() => encodeMethodResponse(new Date(NaN)), /invalid Date/);
  });
});

describe('malformed input is a one-line XmlRpcParseError', () => {
  const bad: [string, string, RegExp][] = [
    ['empty', '', /expected the root element/],
    ['not XML', 'garbage', /expected the root element/],
    ['unclosed element', '<methodCall><methodName>a.b</methodName>', /unclosed element <methodCall>/],
    ['mismatched tag', '<methodCall><methodName>a.b</name></methodCall>', /<\/name> does not close <methodName>/],
    ['content after root', '<methodCall><methodName>a.b</methodName></methodCall><x/>', /content after the root/],
    ['DOCTYPE', '<!DOCTYPE x [<!ENTITY a "b">]><methodCall/>', /DOCTYPE is not allowed/],
    ['unknown entity', '<methodCall><methodName>&bogus;</methodName></methodCall>', /unknown entity &bogus;/],
    ['bare ampersand', '<methodCall><methodName>a & b</methodName></methodCall>', /'&' that starts no entity/],
    ['wrong root', '<methodResponse/>', /expected <methodCall>, got <methodResponse>/],
    ['bad int', '<methodCall><methodName>a.b</methodName><params><param><value><int>1.5</int></value></param></params></methodCall>', /bad <int> value '1.5'/],
    ['bad boolean', '<methodCall><methodName>a.b</methodName><params><param><value><boolean>yes</boolean></value></param></params></methodCall>', /bad <boolean> value 'yes'/],
    ['bad double', '<methodCall><methodName>a.b</methodName><params><param><value><double>1.2.3</double></value></param></params></methodCall>', /bad <double>/],
    ['bad date', '<methodCall><methodName>a.b</methodName><params><param><value><dateTime.iso8601>20241399T00:00:00</dateTime.iso8601></value></param></params></methodCall>', /bad dateTime/],
    ['bad base64', '<methodCall><methodName>a.b</methodName><params><param><value><base64>!!!</base64></value></param></params></methodCall>', /bad <base64>/],
    ['unknown type', '<methodCall><methodName>a.b</methodName><params><param><value><float>1</float></value></param></params></methodCall>', /unknown value type <float>/],
    ['two types in a value', '<methodCall><methodName>a.b</methodName><params><param><value><int>1</int><int>2</int></value></param></params></methodCall>', /exactly one/],
    ['member without value', '<methodCall><methodName>a.b</methodName><params><param><value><struct><member><name>x</name></member></struct></value></param></params></methodCall>', /one <name> and one <value>/],
    ['array without data', '<methodCall><methodName>a.b</methodName><params><param><value><array/></value></param></params></methodCall>', /exactly one <data>/],
    ['stray text', '<methodCall>hello<methodName>a.b</methodName></methodCall>', /unexpected text in <methodCall>/],
  ];
  for (const [what, xml, re] of bad) {
    test(what, () => {
      assert.throws(
        () => decodeMethodCall(xml),
        (e: unknown) => e instanceof XmlRpcParseError && re.test(e.message) && !e.message.includes('\n'),
      );
    });
  }

  test('the position is named', () => {
    assert.throws(() => parseXml('<a>\n<b></c>'), /line 2, column \d+/);
  });

  test('responses with no param or a fault that is not a struct', () => {
    assert.throws(() => decodeMethodResponse('<methodResponse><params/></methodResponse>'), /exactly one <param>/);
    assert.throws(() => decodeMethodResponse('<methodResponse><fault><value><int>1</int></value></fault></methodResponse>'), /faultCode/);
    assert.throws(() => decodeMethodResponse('<methodResponse><oops/></methodResponse>'), /unexpected <oops>/);
  });
});
