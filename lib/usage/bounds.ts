/**
 * The most tokens one call can plausibly report. A larger count is a broken upstream or a hostile
 * one; it is recorded as usage unknown instead of being summed, so no total can overflow.
 */
export const MAX_TOKENS_PER_CALL = 10_000_000_000;

/** Longest text kept from a response header; the rest is cut. */
export const MAX_HEADER_TEXT = 256;
