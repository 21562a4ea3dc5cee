/**
 * Reading time series back: `ReadTimeSeries` streams column-major chunks (a metric may span
 * chunks); they are joined per metric, in step order.
 */
import type { TimeSeries } from "./gen/exprun/v1/resources.js";

/** One metric's points in step order. Steps and wall times are numbers (exact below 2^53). */
export interface SeriesData {
  metric: string;
  steps: number[];
  values: number[];
  /** Microseconds since the Unix epoch, UTC. */
  wallTimeMicros: number[];
}

export interface ReadOptions {
  /** Only these metrics; all when absent or empty. */
  metrics?: string[];
  /** Only steps >= this. */
  startStep?: number;
  /** Only steps < this; absent means no upper bound. */
  endStep?: number;
  /** At most this many points per metric, downsampled; absent or 0 means all. */
  maxPoints?: number;
}

function toNumber(value: bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`step or wall time ${value} is beyond 2^53`);
  return number;
}

/** Joins the chunks of one read into one `SeriesData` per metric. */
export async function collectSeries(chunks: AsyncIterable<{ series: TimeSeries[] }>): Promise<Map<string, SeriesData>> {
  const result = new Map<string, SeriesData>();
  for await (const chunk of chunks) {
    for (const series of chunk.series) {
      let data = result.get(series.metric);
      if (data === undefined) {
        data = { metric: series.metric, steps: [], values: [], wallTimeMicros: [] };
        result.set(series.metric, data);
      }
      for (const step of series.steps) data.steps.push(toNumber(step));
      for (const value of series.values) data.values.push(value);
      for (const wall of series.wallTimeMicros) data.wallTimeMicros.push(toNumber(wall));
    }
  }
  return result;
}
