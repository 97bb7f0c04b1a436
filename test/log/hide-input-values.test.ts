import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { hideInputValues, quotesInputValues } from '../../src/log/hide-input-values.ts';
import { redactSecretsInText } from '../../src/log/redact-secrets.ts';
import { serializeError } from '../../src/log/serialize-error.ts';

describe('hideInputValues', () => {
  test('drops the values PostgreSQL quotes, keeps the sentence and the column names', () => {
    const cases: [string, string][] = [
      [
        'invalid input syntax for type uuid: "alice@example.com"',
        'invalid input syntax for type uuid: "[value hidden]"',
      ],
      [
        'date/time field value out of range: "2026-13-45T99:99:99Z"',
        'date/time field value out of range: "[value hidden]"',
      ],
      [
        'invalid input value for enum mood: "he said ""hi"""',
        'invalid input value for enum mood: "[value hidden]"',
      ],
      [
        'Key (email)=(bob@example.com) already exists.',
        'Key (email)=([value hidden]) already exists.',
      ],
      [
        'Key (author_id)=(42) is not present in table "tb_user".',
        'Key (author_id)=([value hidden]) is not present in table "tb_user".',
      ],
      ['value too long for type character varying(10)', 'value too long for type character varying(10)'],
    ];
    for (const [message, expected] of cases) assert.equal(hideInputValues(message), expected);
  });

  test('applies to data (22) and integrity (23) errors only', () => {
    assert.equal(quotesInputValues('22P02'), true);
    assert.equal(quotesInputValues('23505'), true);
    assert.equal(quotesInputValues('42501'), false);
    assert.equal(quotesInputValues(undefined), false);
  });
});

describe('serializeError', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXBhcnQ';

  test('a database error loses the quoted value in message, detail and stack', () => {
    const error = Object.assign(new Error(`invalid input syntax for type uuid: "${jwt}"`), {
      code: '22P02',
      detail: 'Key (email)=(bob@example.com) already exists.',
    });
    const text = JSON.stringify(serializeError(error));
    assert.ok(!text.includes(jwt), text);
    assert.ok(!text.includes('eyJhbGciOiJIUzI1NiJ9'), text);
    assert.ok(!text.includes('bob@example.com'), text);
    assert.match(text, /invalid input syntax for type uuid/);
  });

  test('any error message or stack has credentials cut out, the rest kept', () => {
    const key = 'sk_live0123456789abcdefABCDEF';
    const text = JSON.stringify(serializeError(new Error(`could not use ${key} nor ${jwt}`)));
    assert.ok(!text.includes(key) && !text.includes(jwt), text);
    assert.match(text, /could not use \[REDACTED\] nor \[REDACTED\]/);
  });

  test('redactSecretsInText leaves ordinary text alone', () => {
    assert.equal(redactSecretsInText('nothing to hide here'), 'nothing to hide here');
  });
});
