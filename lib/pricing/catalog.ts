import { CATALOG_PATHS } from './serving-paths';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { PriceRow } from './types';
import { parseUsdToMicros } from './usd';

/**
 * The price catalog is data: CSV files in lib/pricing/catalog/ (see lib/pricing/README.md).
 *
 * - every `*.csv` except the two below is a price table with PRICE_HEADER;
 * - `size-based.csv` has the same header, `model` is a bucket (`size:<bucket>`) and the cached
 *   column is left empty: it is derived from `sizeBasedCachedRatioBp` (UNCONFIRMED in the docs);
 * - `model-sizes.csv` (`model,bucket`) expands the buckets into one row per listed model.
 *
 * The files are ours and quote-free: the parser is a plain split on "," and every row is validated,
 * so a bad edit fails loudly with file and line.
 */

export const PRICE_HEADER =
  'model,serving_path,region,input_usd_per_mtok,cached_input_usd_per_mtok,output_usd_per_mtok,effective_from,source';
export const MODEL_SIZES_HEADER = 'model,bucket';
export const SIZE_BASED_FILE = 'size-based.csv';
export const MODEL_SIZES_FILE = 'model-sizes.csv';
export const DEFAULT_SIZE_BASED_CACHED_RATIO_BP = 5000;

export class CatalogError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message);
    this.name = 'CatalogError';
  }
}

/** The default catalog directory. process.cwd()-based so it also works inside a Next.js server bundle. */
export function defaultCatalogDir(): string {
  return path.join(process.cwd(), 'lib/pricing/catalog');
}

// The dollar arithmetic lives apart from the file reading so route bundles can use it without fs.
export { formatMicrosAsUsd, parseUsdToMicros } from './usd';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'effective_from must be YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'effective_from is not a real calendar date');

const usd = z.string().regex(/^\d+(\.\d{1,6})?$/, 'price must be a plain dollar string with at most 6 decimals');
const modelId = z.string().min(1).regex(/^[A-Za-z0-9._:/-]+$/, 'model id has unexpected characters');

const priceCsvRow = z.object({
  model: modelId,
  serving_path: z.enum(CATALOG_PATHS),
  region: z.enum(['global', 'us']),
  input_usd_per_mtok: usd,
  cached_input_usd_per_mtok: usd.or(z.literal('')),
  output_usd_per_mtok: usd,
  effective_from: isoDate,
  source: z.string().trim().min(1, 'source is required'),
});
type PriceCsvRow = z.infer<typeof priceCsvRow>;

const modelSizeCsvRow = z.object({
  model: modelId,
  bucket: z.string().regex(/^[a-z0-9-]+$/, 'bucket must be like "4b-16b" (no "size:" prefix)'),
});

interface Line {
  line: number;
  fields: Record<string, string>;
}

function readCsv(file: string, expectedHeader: string): Line[] {
  const name = path.basename(file);
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').trim();
  if (header !== expectedHeader) {
    throw new CatalogError(`header must be exactly "${expectedHeader}", got "${header}"`, name, 1);
  }
  const cols = expectedHeader.split(',');
  const out: Line[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '') continue;
    if (raw.includes('"')) throw new CatalogError('quotes are not supported in catalog files', name, i + 1);
    const parts = raw.split(',');
    if (parts.length !== cols.length) {
      throw new CatalogError(
        `expected ${cols.length} fields, got ${parts.length} (commas are not allowed inside fields)`,
        name,
        i + 1,
      );
    }
    const fields: Record<string, string> = {};
    cols.forEach((c, j) => {
      fields[c] = (parts[j] ?? '').trim();
    });
    out.push({ line: i + 1, fields });
  }
  return out;
}

function validate<T>(schema: z.ZodType<T>, l: Line, file: string): T {
  const r = schema.safeParse(l.fields);
  if (!r.success) {
    const msg = r.error.issues.map((iss) => `${iss.path.join('.') || 'row'}: ${iss.message}`).join('; ');
    throw new CatalogError(msg, file, l.line);
  }
  return r.data;
}

function toRow(r: PriceCsvRow, cachedMicros: number): PriceRow {
  return {
    model: r.model,
    servingPath: r.serving_path,
    region: r.region,
    inputMicrosPerMtok: parseUsdToMicros(r.input_usd_per_mtok),
    cachedInputMicrosPerMtok: cachedMicros,
    outputMicrosPerMtok: parseUsdToMicros(r.output_usd_per_mtok),
    effectiveFrom: r.effective_from,
    source: r.source,
  };
}

/** Round-half-up integer division for non-negative bigints. */
function divRoundHalfUp(n: bigint, d: bigint): bigint {
  return (n * 2n + d) / (2n * d);
}

export interface LoadCatalogOptions {
  /**
   * Cached-input rate of size-based models as a fraction of their input rate, in basis points
   * (5000 = 50%, the documented default; whether Fireworks discounts these is UNCONFIRMED).
   * 10000 = no discount. Integer in [0, 10000].
   */
  sizeBasedCachedRatioBp?: number;
  /** Override the catalog directory (default `<cwd>/lib/pricing/catalog`). */
  dir?: string;
}

/**
 * Read and validate every catalog CSV synchronously. Throws CatalogError (with file and line) on
 * any malformed row, unknown bucket, duplicate (model, path, region, effective_from), cached > input,
 * or an odd micro rate on a standard row (batch = exact 50% needs even micros).
 */
export function loadCatalog(opts: LoadCatalogOptions = {}): PriceRow[] {
  const dir = opts.dir ?? defaultCatalogDir();
  const bp = opts.sizeBasedCachedRatioBp ?? DEFAULT_SIZE_BASED_CACHED_RATIO_BP;
  if (!Number.isInteger(bp) || bp < 0 || bp > 10_000) {
    throw new CatalogError(`sizeBasedCachedRatioBp must be an integer in [0, 10000], got ${bp}`);
  }
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort();
  } catch (e) {
    throw new CatalogError(`cannot read catalog directory ${dir}: ${(e as Error).message}`);
  }
  if (!files.includes(SIZE_BASED_FILE) || !files.includes(MODEL_SIZES_FILE)) {
    throw new CatalogError(`catalog directory ${dir} must contain ${SIZE_BASED_FILE} and ${MODEL_SIZES_FILE}`);
  }

  const rows: PriceRow[] = [];
  const origin = new Map<PriceRow, string>(); // row -> "file:line" for error messages

  for (const file of files) {
    if (file === SIZE_BASED_FILE || file === MODEL_SIZES_FILE) continue;
    for (const l of readCsv(path.join(dir, file), PRICE_HEADER)) {
      const r = validate(priceCsvRow, l, file);
      if (r.model.startsWith('size:')) throw new CatalogError('size buckets belong in size-based.csv', file, l.line);
      if (r.cached_input_usd_per_mtok === '') {
        throw new CatalogError('cached_input_usd_per_mtok is required (only size-based.csv may leave it empty)', file, l.line);
      }
      const row = toRow(r, parseUsdToMicros(r.cached_input_usd_per_mtok));
      rows.push(row);
      origin.set(row, `${file}:${l.line}`);
    }
  }

  // Size-based buckets.
  const buckets = new Map<string, PriceRow[]>();
  for (const l of readCsv(path.join(dir, SIZE_BASED_FILE), PRICE_HEADER)) {
    const r = validate(priceCsvRow, l, SIZE_BASED_FILE);
    const m = /^size:([a-z0-9-]+)$/.exec(r.model);
    if (!m?.[1]) throw new CatalogError('model must be a bucket "size:<bucket>"', SIZE_BASED_FILE, l.line);
    if (r.serving_path !== 'standard' || r.region !== 'global') {
      throw new CatalogError('size-based rows must be standard/global', SIZE_BASED_FILE, l.line);
    }
    const input = parseUsdToMicros(r.input_usd_per_mtok);
    const cached =
      r.cached_input_usd_per_mtok === ''
        ? Number(divRoundHalfUp(BigInt(input) * BigInt(bp), 10_000n))
        : parseUsdToMicros(r.cached_input_usd_per_mtok);
    const row = toRow(r, cached);
    const list = buckets.get(m[1]) ?? [];
    list.push(row);
    buckets.set(m[1], list);
    origin.set(row, `${SIZE_BASED_FILE}:${l.line}`);
  }
  const seenSized = new Set<string>();
  for (const l of readCsv(path.join(dir, MODEL_SIZES_FILE), MODEL_SIZES_HEADER)) {
    const r = validate(modelSizeCsvRow, l, MODEL_SIZES_FILE);
    if (seenSized.has(r.model)) throw new CatalogError(`duplicate model ${r.model}`, MODEL_SIZES_FILE, l.line);
    seenSized.add(r.model);
    const list = buckets.get(r.bucket);
    if (!list) throw new CatalogError(`unknown bucket "${r.bucket}" (not in ${SIZE_BASED_FILE})`, MODEL_SIZES_FILE, l.line);
    for (const b of list) {
      const row: PriceRow = { ...b, model: r.model, source: `${b.source}; bucket ${r.bucket}` };
      rows.push(row);
      origin.set(row, `${MODEL_SIZES_FILE}:${l.line}`);
    }
  }

  // Integrity checks over the whole catalog.
  const keys = new Map<string, string>();
  for (const row of rows) {
    const where = origin.get(row) ?? '?';
    const key = catalogKey(row);
    const prev = keys.get(key);
    if (prev) throw new CatalogError(`duplicate (model, serving_path, region, effective_from) ${key}; first at ${prev}`, where);
    keys.set(key, where);
    if (row.cachedInputMicrosPerMtok > row.inputMicrosPerMtok) {
      throw new CatalogError(`cached input price exceeds input price for ${row.model}`, where);
    }
    if (
      row.servingPath === 'standard' &&
      [row.inputMicrosPerMtok, row.cachedInputMicrosPerMtok, row.outputMicrosPerMtok].some((v) => v % 2 !== 0)
    ) {
      throw new CatalogError(`standard row ${row.model} has an odd micro rate; batch (50%) would not be exact`, where);
    }
  }
  return rows;
}

/** Identity of a catalog row: model|serving_path|region|effective_from. */
export function catalogKey(row: { model: string; servingPath: string; region: string; effectiveFrom: string }): string {
  return `${row.model}|${row.servingPath}|${row.region}|${row.effectiveFrom}`;
}

