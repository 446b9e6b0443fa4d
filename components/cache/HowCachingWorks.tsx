import { Panel } from '../Panel';

/** What Fireworks documents about its prompt cache, and what to change in the calls (reference §6). */
export function HowCachingWorks() {
  return (
    <Panel title="How Fireworks' prompt cache works">
      <ul className="explainer">
        <li>
          <strong>Exact prefix.</strong> Fireworks reuses the longest start of the prompt it has already seen, token for token. One changed
          character early on (a timestamp, a user name, a reordered tool) makes everything after it a miss.
        </li>
        <li>
          <strong>Static part first.</strong> Put the system prompt, instructions and examples at the start and what changes per call at the end.
          Tool definitions are part of the prompt: keep them and their order the same.
        </li>
        <li>
          <strong>Each replica has its own cache.</strong> Send a stable id per user or session in <code>x-session-affinity</code> (or the{' '}
          <code>prompt_cache_key</code> body field, which takes priority over <code>user</code>) so related calls reach the replica that holds
          their prefix.
        </li>
        <li>
          <strong>Minutes to hours.</strong> Entries usually last several minutes and up to several hours, oldest evicted first; there is no
          guaranteed lifetime, so a session that pauses for long starts cold.
        </li>
        <li>
          <strong>Limit or switch it off per call</strong> with <code>prompt_cache_max_len</code> (0 disables it, for benchmarks).
        </li>
        <li>
          <strong>Billing.</strong> Cached prompt tokens are billed at the model&apos;s cached-input price; savings = cached tokens × (input − cached
          price).
        </li>
      </ul>
    </Panel>
  );
}
