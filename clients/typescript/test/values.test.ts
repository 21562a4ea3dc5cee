import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromValueMap, toMicros, toValue, toValueMap } from "../src/values.js";

describe("param values", () => {
  it("maps number to double, bigint to int64, string to string and boolean to bool, and back", () => {
    const values = { lr: 0.01, layers: 4n, optimizer: "adam", whole: 3, shuffle: true };
    const messages = toValueMap(values);
    assert.deepEqual(messages.lr, { kind: { $case: "doubleValue", value: 0.01 } });
    assert.deepEqual(messages.layers, { kind: { $case: "intValue", value: 4n } });
    assert.deepEqual(messages.optimizer, { kind: { $case: "stringValue", value: "adam" } });
    assert.deepEqual(messages.whole, { kind: { $case: "doubleValue", value: 3 } });
    assert.deepEqual(messages.shuffle, { kind: { $case: "boolValue", value: true } });
    assert.deepEqual(fromValueMap(messages), values);
  });

  it("refuses bigints beyond int64 and other types", () => {
    assert.throws(() => toValue("big", 2n ** 63n), RangeError);
    assert.throws(() => toValue("flag", null as unknown as number), TypeError);
    assert.throws(() => toValue("flag", { on: true } as unknown as number), TypeError);
  });

  it("turns wall times into microseconds", () => {
    assert.equal(toMicros(new Date(1_700_000_000_123)), 1_700_000_000_123_000);
    assert.equal(toMicros(5), 5);
    assert.throws(() => toMicros(-1), RangeError);
    assert.throws(() => toMicros(1.5), RangeError);
  });
});
