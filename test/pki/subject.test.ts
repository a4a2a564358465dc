// Subject strings as administrators write them for New-ExchangeCertificate, and DNS names for SANs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OpenUmError } from '../../src/errors.js';
import { formatSubject, parseSubject, toNameParams, validateDomain } from '../../src/pki/subject.js';

function rejects(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OpenUmError, `expected OpenUmError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('parseSubject', () => {
  it('reads the short Exchange form in the order written', () => {
    assert.deepEqual(parseSubject('C=IT,O=Contoso,CN=um.contoso.com'), [
      { type: 'C', value: 'IT' }, { type: 'O', value: 'Contoso' }, { type: 'CN', value: 'um.contoso.com' },
    ]);
  });

  it('reads the long form with spaces and every accepted type, case-insensitively', () => {
    const attrs = parseSubject(' c=us, s=WA ; L=Redmond, o=Contoso, OU=IT, ou=UM, E=admin@contoso.com, DC=contoso, SerialNumber=42, cn=mail.contoso.com ');
    assert.deepEqual(attrs.map((a) => `${a.type}=${a.value}`), [
      'C=US', 'S=WA', 'L=Redmond', 'O=Contoso', 'OU=IT', 'OU=UM', 'E=admin@contoso.com', 'DC=contoso', 'SERIALNUMBER=42', 'CN=mail.contoso.com',
    ]);
  });

  it('accepts ST and EMAIL as aliases', () => {
    assert.deepEqual(parseSubject('ST=Lazio, EMAIL=a@b.it, CN=x').map((a) => a.type), ['S', 'E', 'CN']);
  });

  it('reads double-quoted values with escapes, keeping their spaces', () => {
    assert.deepEqual(parseSubject('O="Contoso, Ltd", OU=" padded ", CN="say \\"hi\\" \\\\ bye"'), [
      { type: 'O', value: 'Contoso, Ltd' }, { type: 'OU', value: ' padded ' }, { type: 'CN', value: 'say "hi" \\ bye' },
    ]);
  });

  it('reads RFC 4514 backslash escapes, including hex pairs as UTF-8', () => {
    assert.deepEqual(parseSubject('O=Contoso\\, Ltd, L=Forl\\C3\\AC, OU=a\\+b, CN=x\\ '), [
      { type: 'O', value: 'Contoso, Ltd' }, { type: 'L', value: 'Forlì' }, { type: 'OU', value: 'a+b' }, { type: 'CN', value: 'x ' },
    ]);
  });

  it('keeps non-ASCII text and upper-cases the country', () => {
    assert.deepEqual(parseSubject('C=it, L=Forlì, CN=um.contoso.com').slice(0, 2), [{ type: 'C', value: 'IT' }, { type: 'L', value: 'Forlì' }]);
  });

  const bad: [string, RegExp][] = [
    ['O=Contoso', /has no CN/],
    ['CN=a, CN=b', /2 CN parts/],
    ['', /is empty/],
    ['   ', /is empty/],
    ['C=IT,,CN=x', /empty part between separators/],
    ['CN=x,', /empty part between separators/],
    ['C=IT, O', /"O" has no "="/],
    ['CN', /"CN" has no "="/],
    ['=x, CN=y', /starts with "=" and has no type/],
    ['X=1, CN=y', /"X" is not a known attribute type/],
    ['CN=x, O=', /O has an empty value/],
    ['CN=""', /CN has an empty value/],
    ['C=ITA, CN=x', /two-letter country code/],
    ['C=1T, CN=x', /two-letter country code/],
    ['O="Contoso, CN=x', /opens a double quote and never closes it/],
    ['O="Contoso\\", CN=x', /opens a double quote and never closes it/],
    ['O=Con"toso, CN=x', /unbalanced double quote/],
    ['O="Contoso" Ltd, CN=x', /text after its closing double quote/],
    ['CN=x\\', /lone backslash/],
    ['O=a+b, CN=x', /multi-valued RDNs/],
    ['L=\\FF\\FE, CN=x', /not UTF-8/],
    ['E=andré@contoso.com, CN=x', /plain ASCII/],
    ['SERIALNUMBER=ab_c, CN=x', /may only use letters, digits/],
    [`CN=${'a'.repeat(65)}`, /65 characters long and RFC 5280 allows at most 64/],
  ];
  for (const [text, pattern] of bad) {
    it(`rejects ${JSON.stringify(text)} with BAD_SUBJECT`, () => {
      rejects(() => parseSubject(text), 'BAD_SUBJECT', pattern);
      // Every message quotes the input and shows the expected form.
      rejects(() => parseSubject(text), 'BAD_SUBJECT', /^bad subject ".*": .+; write it like C=IT,O=Contoso,CN=um\.contoso\.com$/s);
    });
  }
});

describe('formatSubject', () => {
  it('joins with comma and space', () => {
    assert.equal(formatSubject(parseSubject('C=IT,O=Contoso,CN=um.contoso.com')), 'C=IT, O=Contoso, CN=um.contoso.com');
  });

  it('quotes values that would otherwise be split or trimmed, and round-trips', () => {
    const attrs = [
      { type: 'O', value: 'Contoso, Ltd' }, { type: 'OU', value: ' padded ' }, { type: 'L', value: 'a"b\\c' },
      { type: 'S', value: 'x=y;z<>+' }, { type: 'DC', value: '#tag' }, { type: 'CN', value: 'um.contoso.com' },
    ];
    const text = formatSubject(attrs);
    assert.equal(text, 'O="Contoso, Ltd", OU=" padded ", L="a\\"b\\\\c", S="x=y;z<>+", DC="#tag", CN=um.contoso.com');
    assert.deepEqual(parseSubject(text), attrs);
  });
});

describe('toNameParams', () => {
  it('keeps the written order, uses OIDs and the RFC 5280 string types', () => {
    assert.deepEqual(toNameParams(parseSubject('C=IT, O=Contoso, E=a@b.it, CN=um.contoso.com')), [
      { '2.5.4.6': [{ printableString: 'IT' }] },
      { '2.5.4.10': [{ utf8String: 'Contoso' }] },
      { '1.2.840.113549.1.9.1': [{ ia5String: 'a@b.it' }] },
      { '2.5.4.3': [{ utf8String: 'um.contoso.com' }] },
    ]);
  });

  it('refuses a type it cannot encode', () => {
    rejects(() => toNameParams([{ type: 'OID.2.5.4.9', value: 'x' }]), 'BAD_SUBJECT', /OID\.2\.5\.4\.9/);
  });
});

describe('validateDomain', () => {
  it('lower-cases good names, wildcards and single labels', () => {
    assert.equal(validateDomain('UM.Contoso.COM'), 'um.contoso.com');
    assert.equal(validateDomain('*.contoso.com'), '*.contoso.com');
    assert.equal(validateDomain('exch01'), 'exch01');
    assert.equal(validateDomain('xn--bcher-kva.example'), 'xn--bcher-kva.example');
    assert.equal(validateDomain(`${'a'.repeat(63)}.com`), `${'a'.repeat(63)}.com`);
  });

  const bad: [string, RegExp][] = [
    ['', /is empty/],
    ['contoso..com', /empty label/],
    ['contoso.com.', /empty label/],
    ['.contoso.com', /empty label/],
    ['-um.contoso.com', /"-um" starts or ends with "-"/],
    ['um-.contoso.com', /"um-" starts or ends with "-"/],
    ['um_1.contoso.com', /"um_1" may only use letters, digits and "-"/],
    ['um.*.contoso.com', /"\*" may only use/],
    ['*.*.contoso.com', /"\*" may only use/],
    ['*', /wildcard must cover/],
    ['*.com', /wildcard must cover/],
    [`${'a'.repeat(64)}.com`, /64 characters long and at most 63/],
    [Array.from({ length: 130 }, () => 'ab').join('.'), /at most 253/],
  ];
  for (const [name, pattern] of bad) {
    it(`rejects ${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)} with BAD_DOMAIN naming it`, () => {
      rejects(() => validateDomain(name), 'BAD_DOMAIN', pattern);
      rejects(() => validateDomain(name), 'BAD_DOMAIN', new RegExp(`^bad domain name "${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
    });
  }
});
