// The request CSV's row format in JS. The database writes nearly every line (request-csv-sql.ts mirrors
// this); this stays the definition, and writes the pages the SQL leaves to JS.
import { picoToUsdString } from '@/lib/money';
import { costState } from '@/lib/pricing/cost-state';
import { textCell } from './csv-cells';

/** A row as the JS formatter reads it: [id, ...SOURCE_COLUMNS] as better-sqlite3 returns them. */
export type CsvSourceRow = [number, number, string | null, string, string, string, string, string, number, number, string | null, number | null,
  number | null, number | null, number | null, number | null, string | null, string | null, string | null, string | null, string | null,
  string | null, number, number | null, string | null, number | null, string | null];

/** A row's cells in JS: the format's definition, and the writer for pages the SQL leaves to JS. */
export function csvRecord(r: CsvSourceRow): (string | number)[] {
  const [, startedAt, upstreamId, apiKey, model, servingPath, region, endpoint, stream, status, errorCode, prompt, cached, completion,
    cost, savings, session, user, tags, team, project, environment, durationMs, ttftMs, upstreamRequestId, priceId, apiKeyLabel] = r;
  return [
    textCell(upstreamId), new Date(startedAt).toISOString(), textCell(apiKey), textCell(model), servingPath, region, endpoint,
    stream ? 'true' : 'false', status, textCell(errorCode), prompt ?? '', cached ?? '', completion ?? '',
    cost !== null ? picoToUsdString(cost) : '', savings !== null ? picoToUsdString(savings) : '', cost !== null ? 'true' : 'false', costState(prompt, cost),
    textCell(session), textCell(user), textCell(tags), textCell(team), textCell(project), textCell(environment), durationMs,
    ttftMs ?? '', textCell(upstreamRequestId), priceId ?? '', textCell(apiKeyLabel),
  ];
}
