import { deltas, openaiUsage, perfHeaders, perfMetrics, positiveInt, startStream, type Endpoint, type Job, type ParsedRequest } from './job';
import { usesOptInStreamUsage } from './models';
import { messageSegments, textOf, toolSegments } from './tokens';

function maxTokens(body: Record<string, unknown>): number | undefined {
  return positiveInt(body['max_completion_tokens']) ?? positiveInt(body['max_tokens']);
}

const finishReason = (job: Job) => (job.completion.truncated ? 'length' : 'stop');

function parseChat(body: Record<string, unknown>): ParsedRequest {
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return { error: "field 'messages' must be a non-empty array" };
  return { segments: [...toolSegments(body['tools']), ...messageSegments(messages)], maxTokens: maxTokens(body), stream: body['stream'] === true };
}

function parseCompletion(body: Record<string, unknown>): ParsedRequest {
  const prompt = body['prompt'];
  const text = Array.isArray(prompt) ? prompt.map(textOf).join('') : prompt;
  if (typeof text !== 'string') return { error: "field 'prompt' must be a string" };
  return { segments: [{ role: 'prompt', text }], maxTokens: maxTokens(body), stream: body['stream'] === true };
}

/** The shape a chat or text-completions endpoint differs by. */
interface Flavor {
  object: string;
  chunkObject: string;
  choice(text: string, finish: string | null): Record<string, unknown>;
  chunkChoice(delta: Record<string, string>, finish: string | null): Record<string, unknown>;
}

const CHAT: Flavor = {
  object: 'chat.completion',
  chunkObject: 'chat.completion.chunk',
  choice: (content, finish) => ({ index: 0, message: { role: 'assistant', content }, finish_reason: finish, logprobs: null }),
  chunkChoice: (delta, finish) => ({ index: 0, delta, finish_reason: finish, logprobs: null }),
};

const TEXT: Flavor = {
  object: 'text_completion',
  chunkObject: 'text_completion',
  choice: (text, finish) => ({ text, index: 0, finish_reason: finish, logprobs: null }),
  chunkChoice: (delta, finish) => ({ text: delta['content'] ?? '', index: 0, finish_reason: finish, logprobs: null }),
};

async function respond(flavor: Flavor, job: Job, stream: boolean): Promise<void> {
  const { requestId: id, created, model } = job;
  if (!stream) {
    job.rec.json(200, { ...job.headers, ...perfHeaders(job) }, {
      id,
      object: flavor.object,
      created,
      model,
      choices: [flavor.choice(job.completion.pieces.join(''), finishReason(job))],
      usage: openaiUsage(job),
      ...perfMetrics(job),
    });
    return;
  }

  const sse = startStream(job);
  // Documented shape: "usage":null on every chunk, usage on the finish chunk. Opt-in shape (Kimi):
  // no usage field at all unless stream_options.include_usage, then only in an empty-choices chunk.
  const optIn = usesOptInStreamUsage(model);
  const includeUsage = (job.body['stream_options'] as { include_usage?: unknown } | undefined)?.include_usage === true;
  const chunk = (choices: unknown[], usage: unknown, extra: Record<string, unknown> = {}) => ({
    id,
    object: flavor.chunkObject,
    created,
    model,
    choices,
    ...(optIn ? {} : { usage }),
    ...extra,
  });

  if (flavor === CHAT) await sse.send(chunk([flavor.chunkChoice({ role: 'assistant' }, null)], null));
  for (const content of deltas(job)) {
    if (sse.closed) return;
    await sse.send(chunk([flavor.chunkChoice({ content }, null)], null));
  }
  await sse.send(chunk([flavor.chunkChoice({}, finishReason(job))], openaiUsage(job), perfMetrics(job)));
  if (includeUsage) await sse.send({ id, object: flavor.chunkObject, created, model, choices: [], usage: openaiUsage(job) });
  await sse.send('[DONE]');
  await sse.finish();
}

export const chatCompletions: Endpoint = { dialect: 'openai', parse: parseChat, respond: (job, stream) => respond(CHAT, job, stream) };
export const completions: Endpoint = { dialect: 'openai', parse: parseCompletion, respond: (job, stream) => respond(TEXT, job, stream) };
