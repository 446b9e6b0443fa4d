import { perfHeaders, type Endpoint, type Job, type ParsedRequest } from './job';
import { embed } from './tokens';

const inputsOf = (body: Record<string, unknown>): string[] | undefined => {
  const input = body['input'];
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((s) => typeof s === 'string')) return input as string[];
  return undefined;
};

function parse(body: Record<string, unknown>): ParsedRequest {
  const inputs = inputsOf(body);
  if (!inputs) return { error: "field 'input' must be a string or a non-empty array of strings" };
  return { segments: inputs.map((text) => ({ role: 'input', text })), maxTokens: 0, stream: false };
}

/** OpenAI's base64 form: little-endian float32s, which the openai SDK asks for by default. */
function base64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

async function respond(job: Job): Promise<void> {
  const asBase64 = job.body['encoding_format'] === 'base64';
  const inputs = inputsOf(job.body) ?? [];
  job.rec.json(200, { ...job.headers, ...perfHeaders(job) }, {
    object: 'list',
    data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: asBase64 ? base64(embed(text)) : embed(text) })),
    model: job.model,
    usage: { prompt_tokens: job.promptTokens, total_tokens: job.promptTokens },
  });
}

// Embedding models keep no KV cache, so their prompts are never cached.
export const embeddings: Endpoint = { dialect: 'openai', promptCache: false, parse, respond };
