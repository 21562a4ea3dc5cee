/**
 * Reading time series back: `ReadTimeSeries` streams column-major chunks (a metric may span
 * chunks). `SeriesReader` hands them out as they arrive (an async iterable) or joins them per
 * metric, in step order (`toMap()`).
 */
import type { CallOptions } from "./api.js";
import type { TimeSeries } from "./gen/exprun/v1/resources.js";

/** One metric's points in step order. Steps and wall times are numbers (exact below 2^53). */
export interface SeriesData {
  metric: string;
  steps: number[];
  values: number[];
  /** Microseconds since the Unix epoch, UTC. */
  wallTimeMicros: number[];
}

export interface ReadOptions extends CallOptions {
  /** Only these metrics; all when absent or empty. */
  metrics?: string[];
  /** Only steps >= this (an int64: a safe-integer number or a bigint). */
  startStep?: number | bigint;
  /** Only steps < this; absent means no upper bound. */
  endStep?: number | bigint;
  /** At most this many points per metric, downsampled; absent or 0 means all. */
  maxPoints?: number;
}

function toNumber(value: bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`step or wall time ${value} is beyond 2^53`);
  return number;
}

function toData(series: TimeSeries): SeriesData {
  return {
    metric: series.metric,
    steps: series.steps.map(toNumber),
    values: series.values,
    wallTimeMicros: series.wallTimeMicros.map(toNumber),
  };
}

/**
 * One read of a run's time series: `for await (const part of reader)` gives each metric's
 * points chunk by chunk as the server streams them (a metric may come in several parts, in step
 * order), without holding the whole read; `await reader.toMap()` joins them per metric.
 * Each iteration makes its own call.
 */
export class SeriesReader implements AsyncIterable<SeriesData> {
  private readonly open: () => AsyncIterable<{ series: TimeSeries[] }>;

  constructor(open: () => AsyncIterable<{ series: TimeSeries[] }>) {
    this.open = open;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SeriesData> {
    for await (const chunk of this.open()) {
      for (const series of chunk.series) yield toData(series);
    }
  }

  /** Every point, one `SeriesData` per metric in step order. */
  toMap(): Promise<Map<string, SeriesData>> {
    return collectSeries(this.open());
  }
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
