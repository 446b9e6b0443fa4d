import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withIncludeUsage } from '@/lib/proxy/json-splice';

const text = (b: Buffer | undefined) => b?.toString('latin1');

describe('include_usage spliced into the original bytes', () => {
  it('adds stream_options and leaves every other byte alone', () => {
    const raw = '{"model":"m","seed":12345678901234567890,"t":1e400,"dup":1,"dup":2,"s":"\\u00e9 é 日本","stream":true}';
    assert.equal(withIncludeUsage(Buffer.from(raw))?.toString(), '{"stream_options":{"include_usage":true},' + raw.slice(1));
  });

  it('merges into an existing stream_options, the last of duplicates, and replaces a false', () => {
    assert.equal(withIncludeUsage(Buffer.from('{"stream":true, "stream_options" : { "x" : [1, {"y":null}] } }'))?.toString(), '{"stream":true, "stream_options" : {"include_usage":true, "x" : [1, {"y":null}] } }');
    assert.equal(withIncludeUsage(Buffer.from('{"stream_options":{},"stream":true}'))?.toString(), '{"stream_options":{"include_usage":true},"stream":true}');
    assert.equal(withIncludeUsage(Buffer.from('{"stream_options":{"include_usage":false, "include_usage" : 0}}'))?.toString(), '{"stream_options":{"include_usage":false, "include_usage" : true}}');
    assert.equal(withIncludeUsage(Buffer.from('{"stream_options":null}'))?.toString(), '{"stream_options":{"include_usage":true}}');
    assert.equal(withIncludeUsage(Buffer.from('{"stream\\u005foptions":{"a":1}}'))?.toString(), '{"stream\\u005foptions":{"include_usage":true,"a":1}}');
  });

  it('keeps invalid UTF-8 inside strings byte for byte', () => {
    const raw = Buffer.concat([Buffer.from('{"content":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('\\"x","stream":true}')]);
    const out = withIncludeUsage(raw)!;
    assert.equal(text(out), text(Buffer.concat([Buffer.from('{"stream_options":{"include_usage":true},'), raw.subarray(1)])));
  });

  it('gives up on anything that is not a JSON object', () => {
    for (const bad of ['[1]', '{"a":', '{"a" 1}', 'nope', '', '{"a":"unterminated}']) assert.equal(withIncludeUsage(Buffer.from(bad)), undefined, bad);
  });
});
