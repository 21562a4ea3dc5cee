/**
 * JavaScript values ⇄ API messages for params and summary metrics.
 *
 * The API's `Value` is `oneof {double, int64, string, bool}`, the SDK's `Union[float, int, str, bool]`.
 * JavaScript has one number type, so the rule follows what Python does with `4` and `0.5`:
 *
 * - a `number` that is a safe integer (`Number.isSafeInteger`: `4`, `-3`, `0`) → `int_value`;
 * - any other `number` (`0.5`, `1e300`, NaN) → `double_value` (NaN and infinities are refused by the server);
 * - a `bigint` → `int_value`, exactly, for the whole int64 range;
 * - `double(x)` → `double_value` even when `x` is whole (`double(1)` is Python's `1.0`);
 * - a `string` → `string_value`, a `boolean` → `bool_value`.
 *
 * Read back, an `int_value` is a `number` when it is a safe integer and a `bigint` beyond
 * 2^53 (so it is never rounded); a `double_value` is a `number`.
 */
import { invalidArgument } from "./errors.js";
import type { Value } from "./gen/exprun/v1/resources.js";

/** A number logged as a double even when it is whole: `double(1)` (see `double`). */
export class Double {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** Logs `value` as a double (`double_value`), even a whole number: `{ accuracy: double(1) }`. */
export function double(value: number): Double {
  return new Double(value);
}

/** A param or summary-metric value: see the module comment for how each maps to `Value`. */
export type ParamValue = number | bigint | string | boolean;

/** What `logParams`/`logMetrics` accept: a `ParamValue`, or `double(x)` to force a double. */
export type ParamInput = ParamValue | Double;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function toValue(key: string, value: ParamInput, field = "params"): Value {
  switch (typeof value) {
    case "number":
      if (Number.isSafeInteger(value)) return { kind: { $case: "intValue", value: BigInt(value) } };
      return { kind: { $case: "doubleValue", value } };
    case "bigint":
      if (value < INT64_MIN || value > INT64_MAX) {
        throw invalidArgument(`${field}['${key}']`, `value ${value} is out of the int64 range`);
      }
      return { kind: { $case: "intValue", value } };
    case "string":
      return { kind: { $case: "stringValue", value } };
    case "boolean":
      return { kind: { $case: "boolValue", value } };
    default:
      if (value instanceof Double && typeof value.value === "number") {
        return { kind: { $case: "doubleValue", value: value.value } };
      }
      throw invalidArgument(
        `${field}['${key}']`,
        `value is of type ${value === null ? "null" : typeof value} but must be one of number, bigint, string, boolean or double(x)`,
      );
  }
}

export function fromValue(value: Value): ParamValue {
  const kind = value.kind;
  if (kind === undefined) throw new TypeError("the server sent a Value with no kind set");
  if (kind.$case === "intValue") {
    const number = Number(kind.value);
    return Number.isSafeInteger(number) ? number : kind.value;
  }
  return kind.value;
}

export function toValueMap(values: Record<string, ParamInput>, field = "params"): Record<string, Value> {
  const result: Record<string, Value> = {};
  for (const [key, value] of Object.entries(values)) result[key] = toValue(key, value, field);
  return result;
}

export function fromValueMap(values: Record<string, Value>): Record<string, ParamValue> {
  const result: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(values)) result[key] = fromValue(value);
  return result;
}

/**
 * An int64 field of the API (a step, a wall time) from a `number` (a safe integer) or a
 * `bigint`; anything else is refused with `InvalidArgumentError` naming `field`.
 */
export function toInt64(value: number | bigint, field: string, min = 0n): bigint {
  let result: bigint;
  if (typeof value === "bigint") result = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) result = BigInt(value);
  else throw invalidArgument(field, `must be an integer (a safe-integer number or a bigint), not ${String(value)}`);
  if (result < min || result > INT64_MAX) throw invalidArgument(field, `${result} is out of range [${min}, 2^63)`);
  return result;
}

/** A moment as microseconds since the Unix epoch: a `Date`, or a number already in micros. */
export type WallTime = Date | number;

export function toMicros(moment: WallTime, field = "wallTime"): number {
  if (moment instanceof Date) return moment.getTime() * 1000;
  if (!Number.isSafeInteger(moment) || moment < 0) {
    throw invalidArgument(field, `must be a Date or non-negative integer microseconds, not ${String(moment)}`);
  }
  return moment;
}

/** Now, in microseconds since the Unix epoch (the wall clock, millisecond resolution). */
export function nowMicros(): number {
  return Date.now() * 1000;
}
