/**
 * The pure core of the time-series writer: column buffers, cutting them into numbered batches,
 * the window of unacknowledged batches and the memory accounting. No I/O and no timers: the
 * writer (writer.ts) feeds it events (rows logged, `opened`, acks) and asks it what to send, so
 * every rule here is unit-tested without a server.
 */

/** The server refuses streamed batches of more points than this. */
export const MAX_STREAM_BATCH_POINTS = 100_000;

const TEXT = new TextEncoder();

/** One metric's buffered points, column-major like the wire format. Grows by doubling. */
export class Column {
  readonly metric: string;
  /** The metric as encoded field 1 of `TimeSeries` (tag, length, UTF-8 bytes). */
  readonly metricField: Uint8Array;
  steps: Float64Array;
  values: Float64Array;
  walls: Float64Array;
  length = 0;

  constructor(metric: string, capacity = 256) {
    this.metric = metric;
    const name = TEXT.encode(metric);
    const field = new Uint8Array(1 + varintSize(name.length) + name.length);
    field[0] = 0x0a;
    const at = writeVarint(field, 1, name.length);
    field.set(name, at);
    this.metricField = field;
    this.steps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.walls = new Float64Array(capacity);
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.values.length) return;
    let capacity = this.values.length * 2;
    while (capacity < needed) capacity *= 2;
    this.steps = grow(this.steps, capacity, this.length);
    this.values = grow(this.values, capacity, this.length);
    this.walls = grow(this.walls, capacity, this.length);
  }

  push(value: number, step: number, wall: number): void {
    if (this.length === this.values.length) this.reserve(1);
    const at = this.length++;
    this.values[at] = value;
    this.steps[at] = step;
    this.walls[at] = wall;
  }

  /** Appends rows `start..end` of aligned columns; `walls` may be one wall time for every row. */
  pushRows(values: Float64Array, steps: Float64Array, walls: Float64Array | number, start: number, end: number): void {
    const count = end - start;
    this.reserve(count);
    this.values.set(values.subarray(start, end), this.length);
    this.steps.set(steps.subarray(start, end), this.length);
    if (typeof walls === "number") this.walls.fill(walls, this.length, this.length + count);
    else this.walls.set(walls.subarray(start, end), this.length);
    this.length += count;
  }

  /** Takes back the last point (a row that failed half-way is all or nothing). */
  pop(): void {
    this.length--;
  }
}

function grow(array: Float64Array, capacity: number, used: number): Float64Array {
  const bigger = new Float64Array(capacity);
  bigger.set(array.subarray(0, used));
  return bigger;
}

/** A slice `start..end` of one column: one `TimeSeries` of a batch. */
export interface Part {
  column: Column;
  start: number;
  end: number;
}

/** A numbered batch, kept until acknowledged. Encoded on first send, then resent as is. */
export interface Batch {
  sequence: number;
  points: number;
  parts: Part[] | null;
  payload: Uint8Array | null;
}

/** Slices of columns: at most `maxPoints` per batch and each metric at most once per batch. */
export function planBatches(columns: Iterable<Column>, maxPoints: number): Part[][] {
  const batches: Part[][] = [];
  let current: Part[] = [];
  let room = maxPoints;
  for (const column of columns) {
    let start = 0;
    while (start < column.length) {
      const take = Math.min(room, column.length - start);
      current.push({ column, start, end: start + take });
      start += take;
      room -= take;
      if (room === 0) {
        batches.push(current);
        current = [];
        room = maxPoints;
      }
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** A stream's sending position: whether `opened` arrived, and the last sequence sent on it. */
export interface StreamPosition {
  opened: boolean;
  lastSent: number;
}

export interface WriterLimits {
  /** Points per batch, at most `MAX_STREAM_BATCH_POINTS`. */
  maxBatchPoints: number;
  /** How long (ms) the first buffered point waits before a partial batch is cut. */
  maxBatchDelayMs: number;
  /** Batches sent ahead of the server's cumulative ack. */
  maxUnackedBatches: number;
  /** Buffered plus unacknowledged points never exceed this. */
  maxBufferedPoints: number;
}

/** What `opened` told: resume (normal) or a conflict with another writer using the same ID. */
export type OpenedOutcome = { ok: true } | { ok: false; committed: number; numbered: number };

/**
 * The writer's state: the buffer, the unacknowledged batches and the counters. Every method is
 * synchronous; the caller owns the only thread.
 */
export class WriterState {
  readonly limits: WriterLimits;
  /** `maxBufferedPoints` minus the points buffered or unacknowledged. */
  free: number;
  columns = new Map<string, Column>();
  /** Points in the buffer (not yet cut into batches). */
  buffered = 0;
  /** When (ms, monotonic) the oldest buffered point arrived. */
  firstBufferedAt = 0;
  /** Points ever admitted, cut into batches and acknowledged. */
  logged = 0;
  swapped = 0;
  acked = 0;
  /** Batches not yet acknowledged, in sequence order. */
  unacked: Batch[] = [];
  unackedPoints = 0;
  /** The next sequence to assign; 0 until the first `opened` tells where to start. */
  nextSequence = 0;
  lastAssigned = 0;
  committed = 0;
  /** Cut the buffer at the next chance even if it is below a batch and young (flush, close, full). */
  cutNow = false;

  constructor(limits: WriterLimits) {
    checkLimits(limits);
    this.limits = { ...limits };
    this.free = limits.maxBufferedPoints;
  }

  get pending(): number {
    return this.buffered + this.unackedPoints;
  }

  column(metric: string): Column {
    let column = this.columns.get(metric);
    if (column === undefined) {
      column = new Column(metric);
      this.columns.set(metric, column);
    }
    return column;
  }

  /** Books `count` points just appended to the columns at `now` (ms). The caller checked `free`. */
  admitted(count: number, now: number): void {
    if (this.buffered === 0) this.firstBufferedAt = now;
    this.buffered += count;
    this.logged += count;
    this.free -= count;
  }

  /** Whether the buffer should be cut now: full batch, flush or close asked, or old enough. */
  ripe(now: number, closing = false): boolean {
    return (
      this.buffered > 0 &&
      (this.cutNow ||
        closing ||
        this.buffered >= this.limits.maxBatchPoints ||
        now >= this.firstBufferedAt + this.limits.maxBatchDelayMs)
    );
  }

  /** When (ms) the buffer ripens by age; Infinity when empty. */
  dueAt(): number {
    return this.buffered > 0 ? this.firstBufferedAt + this.limits.maxBatchDelayMs : Infinity;
  }

  /** Moves the whole buffer into numbered batches of at most `maxBatchPoints`. */
  cut(): void {
    if (this.nextSequence === 0) throw new Error("cut before the first opened");
    const columns = this.columns;
    this.columns = new Map();
    const points = this.buffered;
    this.buffered = 0;
    this.cutNow = false;
    for (const parts of planBatches(columns.values(), this.limits.maxBatchPoints)) {
      let size = 0;
      for (const part of parts) size += part.end - part.start;
      this.lastAssigned = this.nextSequence;
      this.unacked.push({ sequence: this.nextSequence, points: size, parts, payload: null });
      this.nextSequence++;
    }
    this.unackedPoints += points;
    this.swapped += points;
  }

  /**
   * The next batch to send on `stream`, cutting the buffer when ripe; null when nothing may be
   * sent now (not opened, window full, nothing ripe). Advances `stream.lastSent`.
   */
  nextToSend(stream: StreamPosition, now: number, closing = false): Batch | null {
    if (!stream.opened) return null;
    for (;;) {
      if (stream.lastSent - this.committed >= this.limits.maxUnackedBatches) return null;
      const last = this.unacked[this.unacked.length - 1];
      if (last !== undefined && last.sequence > stream.lastSent) {
        const index = Math.max(0, stream.lastSent + 1 - this.unacked[0]!.sequence);
        const batch = this.unacked[index]!;
        stream.lastSent = batch.sequence;
        return batch;
      }
      if (!this.ripe(now, closing)) return null;
      this.cut();
    }
  }

  /** True when the buffer is empty and every unacknowledged batch was sent on `stream`. */
  allSent(stream: StreamPosition): boolean {
    const last = this.unacked[this.unacked.length - 1];
    return this.buffered === 0 && (last === undefined || last.sequence <= stream.lastSent);
  }

  /** Applies `opened{committed_sequence}` to a new stream: resume after what the server has. */
  opened(stream: StreamPosition, committed: number): OpenedOutcome {
    if (this.nextSequence === 0) {
      // First open: number batches after whatever this writer ID committed before.
      this.nextSequence = committed + 1;
    } else if (committed >= this.nextSequence) {
      return { ok: false, committed, numbered: this.nextSequence - 1 };
    }
    this.acknowledge(committed);
    stream.opened = true;
    stream.lastSent = this.committed;
    return { ok: true };
  }

  /** Releases every batch up to `committed`; returns the points released. */
  acknowledge(committed: number): number {
    let released = 0;
    let drop = 0;
    const unacked = this.unacked;
    while (drop < unacked.length && unacked[drop]!.sequence <= committed) {
      released += unacked[drop]!.points;
      drop++;
    }
    if (drop > 0) unacked.splice(0, drop);
    this.unackedPoints -= released;
    this.free += released;
    this.acked += released;
    if (committed > this.committed) this.committed = committed;
    return released;
  }
}

export function checkLimits(limits: WriterLimits): void {
  const { maxBatchPoints, maxBatchDelayMs, maxUnackedBatches, maxBufferedPoints } = limits;
  if (!Number.isInteger(maxBatchPoints) || maxBatchPoints < 1 || maxBatchPoints > MAX_STREAM_BATCH_POINTS) {
    throw new RangeError(`maxBatchPoints must be an integer between 1 and ${MAX_STREAM_BATCH_POINTS}`);
  }
  if (!(maxBatchDelayMs >= 0)) throw new RangeError("maxBatchDelayMs must be >= 0");
  if (!Number.isInteger(maxUnackedBatches) || maxUnackedBatches < 1) {
    throw new RangeError("maxUnackedBatches must be an integer >= 1");
  }
  if (!Number.isInteger(maxBufferedPoints) || maxBufferedPoints < maxBatchPoints) {
    throw new RangeError("maxBufferedPoints must be an integer >= maxBatchPoints");
  }
}

// -- varints ------------------------------------------------------------------------------------
/** Bytes of the varint of a non-negative safe integer. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 4;
  let rest = Math.floor(value / 0x10000000);
  while (rest > 0) {
    size++;
    rest = Math.floor(rest / 0x80);
  }
  return size;
}

/** Writes the varint of a non-negative safe integer at `at`; returns the position after it. */
export function writeVarint(into: Uint8Array, at: number, value: number): number {
  if (value < 0x80000000) {
    let v = value >>> 0;
    while (v > 0x7f) {
      into[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    into[at++] = v;
    return at;
  }
  let v = value;
  while (v > 0x7f) {
    into[at++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  into[at++] = v;
  return at;
}
