/**
 * JavaScript values ⇄ API messages for params and summary metrics.
 *
 * The API's `Value` is `oneof {double, int64, string, bool}`, the SDK's `Union[float, int, str, bool]`.
 * JavaScript has one number type, so the int64 case is a `bigint`: `4n` logs an int64 and
 * reads back as `4n`, `0.5` (or `4`) logs a double and reads back as a number. What is
 * written is what is read, types included.
 */
import type { Value } from "./gen/exprun/v1/resources.js";

/** A param or summary-metric value: number → double, bigint → int64, string → string, boolean → bool. */
export type ParamValue = number | bigint | string | boolean;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function toValue(key: string, value: ParamValue): Value {
  switch (typeof value) {
    case "number":
      return { kind: { $case: "doubleValue", value } };
    case "bigint":
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new RangeError(`Value for key ${key} is out of the int64 range`);
      }
      return { kind: { $case: "intValue", value } };
    case "string":
      return { kind: { $case: "stringValue", value } };
    case "boolean":
      return { kind: { $case: "boolValue", value } };
    default:
      throw new TypeError(`Value for key ${key} is of type ${typeof value} but must be one of number, bigint, string, boolean`);
  }
}

export function fromValue(value: Value): ParamValue {
  const kind = value.kind;
  if (kind === undefined) throw new TypeError("the server sent a Value with no kind set");
  return kind.value;
}

export function toValueMap(values: Record<string, ParamValue>): Record<string, Value> {
  const result: Record<string, Value> = {};
  for (const [key, value] of Object.entries(values)) result[key] = toValue(key, value);
  return result;
}

export function fromValueMap(values: Record<string, Value>): Record<string, ParamValue> {
  const result: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(values)) result[key] = fromValue(value);
  return result;
}

/** A moment as microseconds since the Unix epoch: a `Date`, or a number already in micros. */
export type WallTime = Date | number;

export function toMicros(moment: WallTime): number {
  if (moment instanceof Date) return moment.getTime() * 1000;
  if (!Number.isSafeInteger(moment) || moment < 0) {
    throw new RangeError(`wall time must be a Date or non-negative integer microseconds, not ${String(moment)}`);
  }
  return moment;
}

/** Now, in microseconds since the Unix epoch (the wall clock, millisecond resolution). */
export function nowMicros(): number {
  return Date.now() * 1000;
}
