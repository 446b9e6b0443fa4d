/**
 * Show about eight time labels whatever the number of buckets. A numeric interval also spares
 * recharts from measuring every label's text in the DOM to decide which fit, which on a week of
 * hourly buckets cost more than drawing the chart.
 */
export function timeTickInterval(points: number): number {
  return Math.max(0, Math.ceil(points / 8) - 1);
}
