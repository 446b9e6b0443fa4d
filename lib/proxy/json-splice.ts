/**
 * Edits one field of a JSON request body in its original bytes, so everything else reaches
 * Fireworks exactly as the client wrote it: big integers, `1e400`, duplicate keys, escapes and
 * even invalid UTF-8 inside strings. Structural JSON characters are ASCII and never occur inside a
 * multi-byte UTF-8 sequence, so scanning bytes is safe.
 */

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

interface Member {
  key: string;
  valueStart: number;
  valueEnd: number;
}

interface ObjectSpan {
  open: number;
  close: number;
  members: Member[];
}

const skipWs = (b: Buffer, i: number) => {
  while (i < b.length && WS.has(b[i]!)) i++;
  return i;
};

function stringEnd(b: Buffer, i: number): number {
  for (let j = i + 1; j < b.length; j++) {
    if (b[j] === BACKSLASH) j++;
    else if (b[j] === QUOTE) return j + 1;
  }
  throw new SyntaxError('unterminated string');
}

function valueEnd(b: Buffer, i: number): number {
  const c = b[i];
  if (c === QUOTE) return stringEnd(b, i);
  if (c === 0x7b || c === 0x5b) {
    const close = c === 0x7b ? 0x7d : 0x5d;
    let j = skipWs(b, i + 1);
    if (b[j] === close) return j + 1;
    for (;;) {
      if (c === 0x7b) {
        j = skipWs(b, stringEnd(b, skipWs(b, j)));
        if (b[j] !== 0x3a) throw new SyntaxError('expected :');
        j = skipWs(b, j + 1);
      }
      j = skipWs(b, valueEnd(b, j));
      if (b[j] === 0x2c) j = skipWs(b, j + 1);
      else if (b[j] === close) return j + 1;
      else throw new SyntaxError('expected , or close');
    }
  }
  let j = i;
  while (j < b.length && !WS.has(b[j]!) && b[j] !== 0x2c && b[j] !== 0x7d && b[j] !== 0x5d) j++;
  if (j === i) throw new SyntaxError('expected a value');
  return j;
}

/** The members of the object starting at `open`, with their value spans. */
function objectAt(b: Buffer, open: number): ObjectSpan {
  const members: Member[] = [];
  let j = skipWs(b, open + 1);
  if (b[j] === 0x7d) return { open, close: j, members };
  for (;;) {
    const keyStart = skipWs(b, j);
    const keyEnd = stringEnd(b, keyStart);
    const key = JSON.parse(b.subarray(keyStart, keyEnd).toString('utf8')) as string;
    j = skipWs(b, keyEnd);
    if (b[j] !== 0x3a) throw new SyntaxError('expected :');
    const valueStart = skipWs(b, j + 1);
    const end = valueEnd(b, valueStart);
    members.push({ key, valueStart, valueEnd: end });
    j = skipWs(b, end);
    if (b[j] === 0x7d) return { open, close: j, members };
    if (b[j] !== 0x2c) throw new SyntaxError('expected , or }');
    j++;
  }
}

const lastMember = (o: ObjectSpan, key: string) => o.members.findLast((m) => m.key === key);
const splice = (b: Buffer, start: number, end: number, text: string) => Buffer.concat([b.subarray(0, start), Buffer.from(text), b.subarray(end)]);

/** Inserts `"key":value` as the first member of the object at `span`. */
function insertMember(b: Buffer, span: ObjectSpan, member: string): Buffer {
  return splice(b, span.open + 1, span.open + 1, span.members.length ? `${member},` : member);
}

/**
 * Sets `stream_options.include_usage` to true in a request body, touching nothing else; the last
 * of duplicate keys counts, as in JSON.parse. Undefined when the body is not a JSON object.
 */
export function withIncludeUsage(body: Buffer): Buffer | undefined {
  try {
    const open = skipWs(body, 0);
    if (body[open] !== 0x7b) return undefined;
    const top = objectAt(body, open);
    const options = lastMember(top, 'stream_options');
    if (!options || body[options.valueStart] !== 0x7b) {
      const value = '{"include_usage":true}';
      return options ? splice(body, options.valueStart, options.valueEnd, value) : insertMember(body, top, `"stream_options":${value}`);
    }
    const inner = objectAt(body, options.valueStart);
    const include = lastMember(inner, 'include_usage');
    return include ? splice(body, include.valueStart, include.valueEnd, 'true') : insertMember(body, inner, '"include_usage":true');
  } catch {
    return undefined;
  }
}
