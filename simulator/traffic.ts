import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { createRng, pick, randInt, type Rng } from './rng';

export interface TrafficOptions {
  /** Origin of the proxy under test, e.g. http://127.0.0.1:3000 */
  meterOrigin: string;
  /** Total HTTP requests to send. */
  requests: number;
  concurrency?: number;
  seed?: number;
  signal?: AbortSignal;
}

/** `sent` counts requests issued; `failed` those among them that ended in an error (expected ones included). */
export interface TrafficResult {
  sent: number;
  failed: number;
}

const TEAMS = [
  { team: 'search', project: 'ranker', keys: ['fw_demo_search_01', 'fw_demo_search_02'] },
  { team: 'support', project: 'helpdesk-bot', keys: ['fw_demo_support_01'] },
  { team: 'growth', project: 'copywriter', keys: ['fw_demo_growth_01', 'fw_demo_growth_02'] },
] as const;
type Team = (typeof TEAMS)[number];

const M = 'accounts/fireworks/models/';
const R = 'accounts/fireworks/routers/';
const STANDARD = [`${M}kimi-k3`, `${M}glm-5p2`, `${M}deepseek-v4p1-flash`, `${M}gpt-oss-120b`];
const FAST = [`${R}kimi-k3-fast`, `${R}glm-5p2-fast`];
const US = [`${R}kimi-k3-us`];
const SPOT = [`${M}kimi-k3-spot`];
const EMBEDDING_MODEL = 'nomic-ai/nomic-embed-text-v1.5';
const MISSING_MODEL = `${M}missing-model-v0`;

const TOPICS = ['refund policy', 'search ranking', 'onboarding emails', 'latency budget', 'café menu', 'résumé parsing', 'pricing → tiers'];

/** One client call; resolves to the reply text (for conversation history). */
type Call = (c: Clients, signal?: AbortSignal) => Promise<string>;

interface Step {
  key: string;
  headers: Record<string, string>;
  call: Call;
}

interface Clients {
  openai: OpenAI;
  anthropic: Anthropic;
}

/** A long, team-specific system prompt: the shared prefix prompt caching should find. */
function systemPrompt(team: Team): string {
  const rules = Array.from({ length: 40 }, (_, i) => `Rule ${i + 1}: answer ${team.team} questions for ${team.project} precisely, cite sources, stay concise.`);
  return `You are the ${team.team} assistant. ${rules.join(' ')}`;
}

function annotations(team: Team, key: string): Record<string, string> {
  const environment = key.endsWith('_02') ? 'staging' : 'prod';
  return { 'Fireworks-Annotations': `team=${team.team},project=${team.project},environment=${environment}` };
}

function chatModel(rng: Rng): { model: string; priority: boolean } {
  const roll = rng();
  if (roll < 0.6) return { model: pick(rng, STANDARD), priority: rng() < 0.25 };
  if (roll < 0.82) return { model: pick(rng, FAST), priority: false };
  if (roll < 0.94) return { model: pick(rng, US), priority: rng() < 0.2 };
  return { model: pick(rng, SPOT), priority: false };
}

/** A multi-turn chat: a long system prompt plus a growing conversation, mostly with session affinity. */
function chatSession(rng: Rng, id: number, turns: number): Step[] {
  const team = pick(rng, TEAMS);
  const key = pick(rng, team.keys);
  const { model, priority } = chatModel(rng);
  const headers: Record<string, string> = { ...annotations(team, key) };
  if (rng() < 0.75) headers['x-session-affinity'] = `session-${id}`;
  const history: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: systemPrompt(team) }];
  return Array.from({ length: turns }, (_, turn) => {
    const stream = rng() < 0.6;
    const includeUsage = rng() < 0.7;
    const question = `Turn ${turn + 1}: tell me about ${pick(rng, TOPICS)}.`;
    return {
      key,
      headers,
      call: async ({ openai }, signal) => {
        history.push({ role: 'user', content: question });
        const params = { model, messages: [...history], max_tokens: 256, ...(priority ? { service_tier: 'priority' as const } : {}) };
        let reply = '';
        if (stream) {
          const chunks = await openai.chat.completions.create(
            { ...params, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) },
            { headers, signal },
          );
          for await (const chunk of chunks) reply += chunk.choices[0]?.delta.content ?? '';
        } else {
          const res = await openai.chat.completions.create(params, { headers, signal });
          reply = res.choices[0]?.message.content ?? '';
        }
        history.push({ role: 'assistant', content: reply });
        return reply;
      },
    };
  });
}

function anthropicSession(rng: Rng, id: number, turns: number): Step[] {
  const team = pick(rng, TEAMS);
  const key = pick(rng, team.keys);
  const model = pick(rng, [`${M}kimi-k3`, `${M}glm-5p2`, `${R}glm-5p2-fast`]);
  const priority = !model.includes('/routers/') && rng() < 0.3;
  const headers: Record<string, string> = { ...annotations(team, key), 'x-session-affinity': `claude-${id}` };
  const history: Anthropic.MessageParam[] = [];
  return Array.from({ length: turns }, (_, turn) => {
    const stream = rng() < 0.5;
    const question = `Step ${turn + 1}: refactor the ${pick(rng, TOPICS)} module.`;
    return {
      key,
      headers,
      call: async ({ anthropic }, signal) => {
        history.push({ role: 'user', content: question });
        // Fireworks accepts "priority" here although the Anthropic SDK types do not list it.
        const extraBody: object = priority ? { service_tier: 'priority' } : {};
        const params = { model, max_tokens: 512, system: systemPrompt(team), messages: [...history], ...extraBody };
        const message = stream
          ? await anthropic.messages.stream(params, { headers, signal }).finalMessage()
          : await anthropic.messages.create(params, { headers, signal });
        const reply = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
        history.push({ role: 'assistant', content: reply });
        return reply;
      },
    };
  });
}

function single(rng: Rng, kind: 'chat' | 'completion' | 'embedding' | 'missing' | '429' | '503' | 'bad-key'): Step {
  const team = pick(rng, TEAMS);
  const key = kind === 'bad-key' ? 'bad-key' : pick(rng, team.keys);
  const headers: Record<string, string> = annotations(team, key);
  if (kind === '429' || kind === '503') headers['x-simulate-status'] = kind;
  const topic = pick(rng, TOPICS);
  const { model, priority } = chatModel(rng);
  const completionModel = pick(rng, STANDARD);
  const call: Call = async ({ openai }, signal) => {
    if (kind === 'completion') {
      const res = await openai.completions.create({ model: completionModel, prompt: `Summary of ${topic}:`, max_tokens: 64 }, { headers, signal });
      return res.choices[0]?.text ?? '';
    }
    if (kind === 'embedding') {
      const input = [`${topic} query`, `${topic} document about ${team.project}`];
      await openai.embeddings.create({ model: EMBEDDING_MODEL, input, encoding_format: 'float' }, { headers, signal });
      return '';
    }
    const res = await openai.chat.completions.create(
      { model: kind === 'missing' ? MISSING_MODEL : model, messages: [{ role: 'user', content: `Quick question on ${topic}?` }], ...(priority ? { service_tier: 'priority' as const } : {}) },
      { headers, signal },
    );
    return res.choices[0]?.message.content ?? '';
  };
  return { key, headers, call };
}

/** Tasks run concurrently; the steps inside one task (a session's turns) run in order. */
function plan(requests: number, rng: Rng): Step[][] {
  const tasks: Step[][] = [];
  let planned = 0;
  const badKeyAt = randInt(rng, 0, Math.max(0, requests - 1));
  let badKeyPlanned = false;
  while (planned < requests) {
    const left = requests - planned;
    const roll = rng();
    let task: Step[];
    if (!badKeyPlanned && planned >= badKeyAt) {
      task = [single(rng, 'bad-key')];
      badKeyPlanned = true;
    }
    else if (roll < 0.45) task = chatSession(rng, tasks.length, Math.min(left, randInt(rng, 2, 6)));
    else if (roll < 0.57) task = anthropicSession(rng, tasks.length, Math.min(left, randInt(rng, 1, 4)));
    else if (roll < 0.72) task = [single(rng, 'chat')];
    else if (roll < 0.8) task = [single(rng, 'completion')];
    else if (roll < 0.9) task = [single(rng, 'embedding')];
    else task = [single(rng, pick(rng, ['missing', '429', '503'] as const))];
    tasks.push(task);
    planned += task.length;
  }
  return tasks;
}

export async function runTraffic(o: TrafficOptions): Promise<TrafficResult> {
  const rng = createRng(o.seed ?? 42);
  const tasks = plan(o.requests, rng);
  const clients = new Map<string, Clients>();
  const clientsFor = (key: string): Clients => {
    let c = clients.get(key);
    if (!c) {
      // No retries: every request the plan makes reaches the proxy exactly once.
      c = {
        openai: new OpenAI({ apiKey: key, baseURL: `${o.meterOrigin}/inference/v1`, maxRetries: 0 }),
        anthropic: new Anthropic({ authToken: key, apiKey: null, baseURL: `${o.meterOrigin}/inference`, maxRetries: 0 }),
      };
      clients.set(key, c);
    }
    return c;
  };

  const result: TrafficResult = { sent: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    while (next < tasks.length && !o.signal?.aborted) {
      const task = tasks[next++] as Step[];
      for (const step of task) {
        if (o.signal?.aborted) return;
        result.sent++;
        try {
          await step.call(clientsFor(step.key), o.signal);
        } catch {
          result.failed++;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 4) }, worker));
  return result;
}
