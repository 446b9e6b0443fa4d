/** Which model ids the simulator serves, and how they behave. */
const EMBEDDING_MODELS = new Set(['nomic-ai/nomic-embed-text-v1.5', 'fireworks/qwen3-embedding-8b']);
const PREFIXES = ['accounts/fireworks/models/', 'accounts/fireworks/routers/'];

export function isKnownModel(model: unknown): model is string {
  if (typeof model !== 'string') return false;
  if (EMBEDDING_MODELS.has(model)) return true;
  const prefix = PREFIXES.find((p) => model.startsWith(p));
  if (!prefix) return false;
  const id = model.slice(prefix.length);
  return /^[a-z0-9][a-z0-9._-]*$/i.test(id) && !id.startsWith('missing');
}

/**
 * The newer streaming usage shape (usage only on an opt-in, empty-choices final chunk) is reported
 * for Kimi models; which models really use it is unconfirmed (spec §3b).
 */
export function usesOptInStreamUsage(model: string): boolean {
  return model.includes('kimi');
}

export function isFastRouter(model: string): boolean {
  return model.startsWith('accounts/fireworks/routers/') && /-(fast|turbo|ultrafast)$|fast-latest$/.test(model);
}

/** Item shape of GET /inference/v1/models (spec §10). */
export function modelList(): unknown {
  const created = 1770826344;
  const chat = (id: string, context_length: number) => ({
    id,
    object: 'model',
    owned_by: 'fireworks',
    created,
    kind: id.includes('/routers/') ? 'ROUTER' : 'HF_BASE_MODEL',
    supports_chat: true,
    supports_image_input: false,
    supports_tools: true,
    context_length,
  });
  return {
    object: 'list',
    data: [
      chat('accounts/fireworks/models/kimi-k3', 262144),
      chat('accounts/fireworks/models/glm-5p2', 202752),
      chat('accounts/fireworks/models/deepseek-v4p1-flash', 163840),
      chat('accounts/fireworks/models/gpt-oss-120b', 131072),
      chat('accounts/fireworks/routers/kimi-k3-fast', 262144),
      chat('accounts/fireworks/routers/glm-5p2-fast', 202752),
      chat('accounts/fireworks/routers/kimi-k3-us', 262144),
      chat('accounts/fireworks/models/kimi-k3-spot', 262144),
      chat('accounts/fireworks/models/deepseek-v4p1-flash-spot', 163840),
      chat('accounts/fireworks/routers/deepseek-v4p1-flash-1017-ultrafast', 163840),
    ],
  };
}
