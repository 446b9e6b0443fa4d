import { hash32 } from './rng';

/**
 * Deterministic stand-in for a tokenizer.
 *
 * A prompt is a list of segments (one per chat message, system prompt, tool list, completions prompt
 * or embedding input). Each segment becomes 3 framing tokens before its text (`<|im_start|>`, role,
 * newline), one token per 4 UTF-8 bytes of its text, and 1 framing token after it. So a segment costs
 * ceil(utf8Bytes(text) / 4) + 4 tokens. Tokens are real strings so prefix caching can compare them.
 */
export interface Segment {
  role: string;
  text: string;
}

export const TOKENS_PER_SEGMENT = 4;

export function tokenize(segments: readonly Segment[]): string[] {
  const tokens: string[] = [];
  for (const { role, text } of segments) {
    tokens.push('<|im_start|>', role, '\n');
    const bytes = Buffer.from(text, 'utf8');
    // latin1 keeps each byte as one char, so a token never depends on where UTF-8 characters end.
    for (let i = 0; i < bytes.length; i += 4) tokens.push(bytes.subarray(i, i + 4).toString('latin1'));
    tokens.push('<|im_end|>');
  }
  return tokens;
}

/** Text of an OpenAI/Anthropic `content` value: a string, or the text parts of a part list. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) => {
        const p = part as { type?: unknown; text?: unknown };
        return p && p.type === 'text' && typeof p.text === 'string' ? p.text : JSON.stringify(part);
      })
      .join('');
  }
  return content == null ? '' : JSON.stringify(content);
}

/** Tools are part of the prompt (and of its cacheable prefix), so they count as a segment. */
export function toolSegments(tools: unknown): Segment[] {
  return Array.isArray(tools) && tools.length ? [{ role: 'tools', text: JSON.stringify(tools) }] : [];
}

export function messageSegments(messages: readonly unknown[]): Segment[] {
  return messages.map((m) => {
    const msg = (m ?? {}) as { role?: unknown; content?: unknown };
    return { role: typeof msg.role === 'string' ? msg.role : 'user', text: textOf(msg.content) };
  });
}

export interface Completion {
  tokens: number;
  truncated: boolean;
  /** One string per generated token; concatenated they form the reply. */
  pieces: string[];
}

/** Natural reply length is 8..64 tokens, derived from the prompt; `maxTokens` may cut it short. */
export function planCompletion(promptTokens: readonly string[], maxTokens: number | undefined): Completion {
  const seed = hash32(promptTokens.join('\u0001'));
  const natural = 8 + (seed % 57);
  const tokens = Math.min(maxTokens ?? 2048, natural);
  return { tokens, truncated: tokens < natural, pieces: replyPieces(seed, tokens) };
}

// Multi-byte words are frequent on purpose: random byte splits in the SSE writer must cut characters.
const WORDS = [
  'the', 'fireworks', 'café', 'meter', '→', 'naïve', 'tokens', '🎆', 'cache', 'über', 'résumé',
  'prefix', '数据', 'stream', 'latency', '—', 'déjà', 'vu', 'budget', '✓', 'model', 'señor', 'ok',
];

function replyPieces(seed: number, count: number): string[] {
  const pieces: string[] = [];
  let state = seed || 1;
  for (let i = 0; i < count; i++) {
    state = hash32(`${state}:${i}`);
    const word = WORDS[state % WORDS.length] ?? 'ok';
    pieces.push(i === 0 ? word : ` ${word}`);
  }
  return pieces;
}

/** An 8-dimensional unit vector derived from the text. */
export function embed(text: string): number[] {
  const raw = Array.from({ length: 8 }, (_, i) => (hash32(`${i}:${text}`) / 0xffffffff) * 2 - 1);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}
