import { z } from 'zod';
import { MAX_TOKENS_PER_CALL } from './bounds';

/** Token counts in one shape: prompt tokens INCLUDE cached tokens (the OpenAI/Fireworks convention). */
export interface NormalizedUsage {
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
}

const count = z.number().int().nonnegative().max(MAX_TOKENS_PER_CALL);

const openAIUsage = z.object({
  prompt_tokens: count,
  completion_tokens: count.nullish(),
  prompt_tokens_details: z.object({ cached_tokens: count.nullish() }).nullish(),
});

const anthropicUsage = z.object({
  input_tokens: count,
  output_tokens: count.nullish(),
  cache_read_input_tokens: count.nullish(),
});

/** chat/completions, completions and embeddings: `prompt_tokens` already counts the cached ones. */
export function normalizeOpenAIUsage(usage: unknown): NormalizedUsage | undefined {
  const parsed = openAIUsage.safeParse(usage);
  if (!parsed.success) return undefined;
  const u = parsed.data;
  return {
    promptTokens: u.prompt_tokens,
    cachedPromptTokens: Math.min(u.prompt_tokens_details?.cached_tokens ?? 0, u.prompt_tokens),
    completionTokens: u.completion_tokens ?? 0,
  };
}

/** Anthropic messages: `input_tokens` EXCLUDES cache reads, so the prompt is their sum. */
export function normalizeAnthropicUsage(usage: unknown): NormalizedUsage | undefined {
  const parsed = anthropicUsage.safeParse(usage);
  if (!parsed.success) return undefined;
  const u = parsed.data;
  const cached = u.cache_read_input_tokens ?? 0;
  return { promptTokens: u.input_tokens + cached, cachedPromptTokens: cached, completionTokens: u.output_tokens ?? 0 };
}

export type UsageShape = 'openai' | 'anthropic';

export function normalizeUsage(shape: UsageShape, usage: unknown): NormalizedUsage | undefined {
  return shape === 'anthropic' ? normalizeAnthropicUsage(usage) : normalizeOpenAIUsage(usage);
}
