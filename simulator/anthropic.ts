import { deltas, perfHeaders, startStream, type Endpoint, type Job, type ParsedRequest } from './job';
import { messageSegments, textOf, toolSegments } from './tokens';

function parse(body: Record<string, unknown>): ParsedRequest {
  const max = body['max_tokens'];
  if (typeof max !== 'number' || !Number.isInteger(max) || max <= 0) return { error: 'max_tokens is required and must be > 0' };
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return { error: 'messages: field required' };
  const system = body['system'] === undefined ? [] : [{ role: 'system', text: textOf(body['system']) }];
  return { segments: [...toolSegments(body['tools']), ...system, ...messageSegments(messages)], maxTokens: max, stream: body['stream'] === true };
}

/** Fireworks reports input_tokens without the cached part; cache creation is always 0 (spec §3d). */
function usage(job: Job) {
  return {
    input_tokens: job.promptTokens - job.cachedTokens,
    output_tokens: job.completion.tokens,
    cache_read_input_tokens: job.cachedTokens,
    cache_creation_input_tokens: 0,
  };
}

const stopReason = (job: Job) => (job.completion.truncated ? 'max_tokens' : 'end_turn');
const messageId = (job: Job) => `msg_${job.requestId.replace(/-/g, '')}`;

async function respond(job: Job, stream: boolean): Promise<void> {
  const message = { id: messageId(job), type: 'message', role: 'assistant', model: job.model };
  if (!stream) {
    job.rec.json(200, { ...job.headers, ...perfHeaders(job) }, {
      ...message,
      content: [{ type: 'text', text: job.completion.pieces.join('') }],
      stop_reason: stopReason(job),
      stop_sequence: null,
      usage: usage(job),
    });
    return;
  }

  const sse = startStream(job);
  const zero = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  await sse.send({ type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: zero } }, 'message_start');
  await sse.send({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
  for (const text of deltas(job)) {
    if (sse.closed) return;
    await sse.send({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta');
  }
  await sse.send({ type: 'content_block_stop', index: 0 }, 'content_block_stop');
  await sse.send({ type: 'message_delta', delta: { stop_reason: stopReason(job), stop_sequence: null }, usage: usage(job) }, 'message_delta');
  await sse.send({ type: 'message_stop' }, 'message_stop');
  await sse.finish();
}

export const messages: Endpoint = { dialect: 'anthropic', parse, respond };
