/**
 * Wire encoding of streamed batches, written field by field into one buffer.
 *
 * A `StreamTimeSeriesRequest{batch: SequencedBatch{sequence, batch: TimeSeriesBatch{series...}}}`
 * where each `TimeSeries` is {1: metric, 2: steps (packed varint), 3: values (packed double),
 * 4: wall_time_micros (packed varint)}. The values column is one copy of the Float64Array's
 * bytes; the varints are a tight loop. This is several times cheaper than building generated
 * message objects (a `bigint` per step) and encoding them, and the writer sends these bytes to
 * grpc-js as they are (an identity serializer). Unit tests compare it with ts-proto's encoding.
 */
import { endianness } from "node:os";
import { type Part, varintSize, writeVarint } from "./batching.js";

const LITTLE_ENDIAN = endianness() === "LE";

/** Size of the packed varints of `column[start..end]`, reusing the size of repeated values. */
function packedVarintsSize(column: Float64Array, start: number, end: number): number {
  let size = 0;
  let previous = -1;
  let previousSize = 0;
  for (let i = start; i < end; i++) {
    const value = column[i]!;
    if (value !== previous) {
      previous = value;
      previousSize = varintSize(value);
    }
    size += previousSize;
  }
  return size;
}

function writePackedVarints(into: Uint8Array, at: number, column: Float64Array, start: number, end: number): number {
  let previous = -1;
  let from = 0;
  let size = 0;
  for (let i = start; i < end; i++) {
    const value = column[i]!;
    if (value === previous) {
      // A run of one value (the wall time of one logColumns call): copy its bytes.
      for (let k = 0; k < size; k++) into[at + k] = into[from + k]!;
      at += size;
    } else {
      previous = value;
      from = at;
      at = writeVarint(into, at, value);
      size = at - from;
    }
  }
  return at;
}

interface SeriesLayout {
  part: Part;
  stepsSize: number;
  wallsSize: number;
  bodySize: number;
}

/** Field header size: one-byte tag plus the varint of the length. */
function lenField(size: number): number {
  return 1 + varintSize(size) + size;
}

/** The wire bytes of `StreamTimeSeriesRequest(batch=SequencedBatch(sequence, batch))`. */
export function encodeBatchRequest(sequence: number, parts: readonly Part[]): Uint8Array {
  const layouts: SeriesLayout[] = [];
  let seriesTotal = 0;
  for (const part of parts) {
    const count = part.end - part.start;
    const stepsSize = packedVarintsSize(part.column.steps, part.start, part.end);
    const wallsSize = packedVarintsSize(part.column.walls, part.start, part.end);
    const bodySize =
      part.column.metricField.length +
      (count > 0 ? lenField(stepsSize) + lenField(count * 8) + lenField(wallsSize) : 0);
    layouts.push({ part, stepsSize, wallsSize, bodySize });
    seriesTotal += lenField(bodySize);
  }
  const sequencedSize = 1 + varintSize(sequence) + lenField(seriesTotal);
  const total = lenField(sequencedSize);
  const out = new Uint8Array(total);
  let at = 0;
  out[at++] = 0x12; // StreamTimeSeriesRequest.batch (2, LEN)
  at = writeVarint(out, at, sequencedSize);
  out[at++] = 0x08; // SequencedBatch.sequence (1, VARINT)
  at = writeVarint(out, at, sequence);
  out[at++] = 0x12; // SequencedBatch.batch (2, LEN)
  at = writeVarint(out, at, seriesTotal);
  for (const { part, stepsSize, wallsSize, bodySize } of layouts) {
    const { column, start, end } = part;
    const count = end - start;
    out[at++] = 0x0a; // TimeSeriesBatch.series (1, LEN)
    at = writeVarint(out, at, bodySize);
    out.set(column.metricField, at);
    at += column.metricField.length;
    if (count === 0) continue;
    out[at++] = 0x12; // TimeSeries.steps (2, packed)
    at = writeVarint(out, at, stepsSize);
    at = writePackedVarints(out, at, column.steps, start, end);
    out[at++] = 0x1a; // TimeSeries.values (3, packed double)
    at = writeVarint(out, at, count * 8);
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(column.values.buffer, column.values.byteOffset + start * 8, count * 8), at);
    } else {
      const view = new DataView(out.buffer, out.byteOffset + at, count * 8);
      for (let i = 0; i < count; i++) view.setFloat64(i * 8, column.values[start + i]!, true);
    }
    at += count * 8;
    out[at++] = 0x22; // TimeSeries.wall_time_micros (4, packed)
    at = writeVarint(out, at, wallsSize);
    at = writePackedVarints(out, at, column.walls, start, end);
  }
  if (at !== total) throw new Error(`batch encoding wrote ${at} bytes, planned ${total}`);
  return out;
}
