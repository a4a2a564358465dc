// Feeds every file of the malformed corpus (test/fixtures/sip/malformed, written by
// make-malformed.mjs) to the parser and checks the answer named in expected.json.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildErrorResponse } from '../../../src/sip/message/build.js';
import { SipParseError } from '../../../src/sip/message/errors.js';
import { getHeader } from '../../../src/sip/message/headers.js';
import { parseMessage } from '../../../src/sip/message/parse.js';
import { serializeMessage } from '../../../src/sip/message/serialize.js';
import { StreamFramer } from '../../../src/sip/message/framer.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test', 'fixtures', 'sip', 'malformed');
type Expected = 'drop' | { status: number; reasonIncludes: string; respond?: boolean };
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expected>;
const files = readdirSync(DIR).filter((f) => f.endsWith('.sip')).sort();

function failure(data: Buffer): SipParseError {
  try {
    parseMessage(data);
  } catch (e) {
    assert.ok(e instanceof SipParseError, `expected SipParseError, got ${String(e)}`);
    return e;
  }
  assert.fail('parsed without error');
}

describe('malformed corpus', () => {
  it('has at least 25 cases, each listed in expected.json with CRLF line ends kept', () => {
    assert.ok(files.length >= 25, `only ${files.length} files`);
    assert.deepEqual(files, Object.keys(expected).sort());
    const invite = readFileSync(join(DIR, 'missing-call-id.sip'), 'latin1');
    assert.match(invite, /^INVITE [^\r\n]+\r\n/, 'line ends must stay CRLF (see .gitattributes)');
  });

  for (const file of files) {
    it(file, () => {
      const want = expected[file]!;
      const err = failure(readFileSync(join(DIR, file)));
      const response = buildErrorResponse(err, 'corpus');
      if (want === 'drop') {
        assert.equal(response, undefined, `expected drop, got ${err.status} ${err.reason} with a response`);
        return;
      }
      assert.equal(err.status, want.status, err.reason);
      assert.ok(err.reason.includes(want.reasonIncludes), `reason "${err.reason}" lacks "${want.reasonIncludes}"`);
      assert.doesNotMatch(err.reason, /[\r\n]/);
      assert.ok(err.reason.length < 100, 'a short reason phrase');
      if (want.respond === false) {
        assert.equal(response, undefined, 'nothing to answer with');
        return;
      }
      assert.ok(response, `expected a ${want.status} response`);
      assert.equal(response.status, want.status);
      // §8.2.6.2 copies the Call-ID; a request without one is answered without one.
      if (!/Call-ID/.test(err.reason)) assert.ok(getHeader(response, 'Call-ID'));
      // The response is well-formed, unless the bad field is one it must copy (a lower Via, the
      // Call-ID): §8.2.6.2 copies them as received.
      if (!/Via|Call-ID|From|To|CSeq|Request-Line/.test(err.reason)) assert.equal(parseMessage(serializeMessage(response)).kind, 'response');
    });
  }

  it('the framer never throws on any of them, fed whole or byte by byte', () => {
    for (const file of files) {
      const data = readFileSync(join(DIR, file));
      new StreamFramer().push(data);
      const f = new StreamFramer();
      for (let i = 0; i < data.length && !f.failed; i++) f.push(data.subarray(i, i + 1));
    }
  });
});

// RFC 4475's messages (test/fixtures/sip/rfc4475, answers checked live in
// test/services/malformed-live.test.ts): those the RFC calls syntactically valid parse, those it
// calls invalid fail with the status it names; valid: null marks the ones it lets an element
// take either way.
const TORTURE = join(DIR, '..', 'rfc4475');
const torture = JSON.parse(readFileSync(join(TORTURE, 'expected.json'), 'utf8')) as
  Record<string, { section: string; valid: boolean | null; answer: number[] | 'drop'; rfc: string }>;

describe('RFC 4475 torture messages, parsed', () => {
  for (const [file, want] of Object.entries(torture)) {
    it(`§${want.section} ${file}: ${want.valid === true ? 'parses' : want.valid === false ? 'is refused' : 'either'}`, () => {
      const data = readFileSync(join(TORTURE, file));
      if (want.valid === true) {
        parseMessage(data);
      } else if (want.valid === false) {
        const err = failure(data);
        if (want.answer !== 'drop') assert.ok(want.answer.includes(err.status), `${err.status} ${err.reason}`);
      }
      new StreamFramer().push(data);
    });
  }
});
