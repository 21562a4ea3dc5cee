import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError } from "../src/errors.js";
import { double, fromValue, fromValueMap, toInt64, toMicros, toValue, toValueMap } from "../src/values.js";

describe("param values", () => {
  it("logs a safe-integer number or a bigint as int64, other numbers and double(x) as double", () => {
    const messages = toValueMap({ lr: 0.01, layers: 4, big: 2n ** 60n, optimizer: "adam", whole: double(3), shuffle: true, huge: 2 ** 60 });
    assert.deepEqual(messages.lr, { kind: { $case: "doubleValue", value: 0.01 } });
    assert.deepEqual(messages.layers, { kind: { $case: "intValue", value: 4n } }, "layers: 4 is an int, as in Python");
    assert.deepEqual(messages.big, { kind: { $case: "intValue", value: 2n ** 60n } });
    assert.deepEqual(messages.optimizer, { kind: { $case: "stringValue", value: "adam" } });
    assert.deepEqual(messages.whole, { kind: { $case: "doubleValue", value: 3 } });
    assert.deepEqual(messages.shuffle, { kind: { $case: "boolValue", value: true } });
    assert.deepEqual(messages.huge, { kind: { $case: "doubleValue", value: 2 ** 60 } }, "beyond 2^53 a number is a double");
  });

  it("reads an int64 back as a number while it is a safe integer, and as a bigint beyond", () => {
    assert.deepEqual(fromValueMap(toValueMap({ layers: 4, lr: 0.5, big: 2n ** 60n, flag: false })), {
      layers: 4,
      lr: 0.5,
      big: 2n ** 60n,
      flag: false,
    });
    assert.equal(fromValue({ kind: { $case: "intValue", value: -(2n ** 53n) + 1n } }), -(2 ** 53) + 1);
  });

  it("refuses bigints beyond int64 and other types with an InvalidArgumentError naming the key", () => {
    const names = (field: string) => (error: InvalidArgumentError) =>
      error instanceof InvalidArgumentError && error.fieldViolations[0]?.field === field;
    assert.throws(() => toValue("big", 2n ** 63n, "metrics"), names("metrics['big']"));
    assert.throws(() => toValue("flag", null as unknown as number), names("params['flag']"));
    assert.throws(() => toValue("flag", { on: true } as unknown as number), names("params['flag']"));
  });

  it("takes int64 fields as safe-integer numbers or bigints", () => {
    assert.equal(toInt64(5, "step"), 5n);
    assert.equal(toInt64(2n ** 62n, "step"), 2n ** 62n);
    assert.throws(() => toInt64(1.5, "startStep"), (error: InvalidArgumentError) => error.fieldViolations[0]?.field === "startStep");
    assert.throws(() => toInt64(-1, "step"), InvalidArgumentError);
    assert.throws(() => toInt64(2 ** 53, "step"), InvalidArgumentError);
  });

  it("turns wall times into microseconds", () => {
    assert.equal(toMicros(new Date(1_700_000_000_123)), 1_700_000_000_123_000);
    assert.equal(toMicros(5), 5);
    assert.throws(() => toMicros(-1), InvalidArgumentError);
    assert.throws(() => toMicros(1.5), InvalidArgumentError);
  });
});
