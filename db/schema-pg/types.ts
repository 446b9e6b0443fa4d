import { bigint } from 'drizzle-orm/pg-core';

/**
 * SQLite's INTEGER is 64-bit; PostgreSQL's `integer` is 32-bit. Every value that can pass 2^31
 * (epoch ms, token counts and sums, pico- and micro-dollar amounts, anything read from upstream
 * headers) is `bigint` read as a JS number (exact below 2^53, which lib/money.ts keeps every stored
 * amount under). `integer` is kept for small codes and flags only.
 */
export const int64 = (name: string) => bigint(name, { mode: 'number' });
