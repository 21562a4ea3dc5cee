import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Metadata } from "@grpc/grpc-js";
import {
  AlreadyExistsError,
  Code,
  decodeStatusDetails,
  ExprunError,
  fromGrpcError,
  InvalidArgumentError,
  NotFoundError,
} from "../src/errors.js";
import { encodeStatus } from "./status-fixture.js";

const errorInfo = { reason: "INVALID_ARGUMENT", domain: "exprun.dev", metadata: { run: "r" } };
const violations: [string, string][] = [
  ["metrics['bad']", "value must be finite"],
  ["run", "required"],
];

function statusBytes(extra: [string, Uint8Array][] = []): Buffer {
  return Buffer.from(encodeStatus({ code: Code.INVALID_ARGUMENT, message: "bad", errorInfo, violations, extra }));
}

describe("decodeStatusDetails", () => {
  it("reads the ErrorInfo and every field violation", () => {
    const details = decodeStatusDetails(statusBytes());
    assert.equal(details.reason, "INVALID_ARGUMENT");
    assert.equal(details.domain, "exprun.dev");
    assert.deepEqual(details.metadata, { run: "r" });
    assert.deepEqual(details.fieldViolations, [
      { field: "metrics['bad']", description: "value must be finite" },
      { field: "run", description: "required" },
    ]);
  });

  it("skips detail types it does not know and malformed details", () => {
    const details = decodeStatusDetails(
      statusBytes([
        ["type.googleapis.com/google.rpc.RetryInfo", new Uint8Array([8, 1])],
        ["type.googleapis.com/google.rpc.ErrorInfo", new Uint8Array([0x0a, 0x05, 0x41])],
      ]),
    );
    assert.equal(details.reason, "INVALID_ARGUMENT", "the malformed ErrorInfo is skipped for the valid one");
    assert.equal(details.fieldViolations.length, 2);
    assert.equal(details.retryDelayMs, null, "the malformed RetryInfo is skipped");
  });

  it("gives no details for bytes that are not a Status", () => {
    const details = decodeStatusDetails(new Uint8Array([0xff, 0xff, 0xff]));
    assert.deepEqual(details, { reason: "", domain: "", metadata: {}, fieldViolations: [], retryDelayMs: null });
  });

  it("reads the RetryInfo delay of a refusal such as STORAGE_FULL", () => {
    const bytes = encodeStatus({
      code: Code.RESOURCE_EXHAUSTED,
      message: "disk full",
      errorInfo: { reason: "STORAGE_FULL", domain: "exprun.dev" },
      retryDelayMs: 2500,
    });
    const metadata = new Metadata();
    metadata.set("grpc-status-details-bin", Buffer.from(bytes));
    const error = fromGrpcError({ code: Code.RESOURCE_EXHAUSTED, details: "disk full", metadata });
    assert.equal(error.reason, "STORAGE_FULL");
    assert.equal(error.retryDelayMs, 2500);
    assert.equal(decodeStatusDetails(statusBytes()).retryDelayMs, null);
  });
});

describe("fromGrpcError", () => {
  it("types the error by code and lifts the rich status from the trailer", () => {
    const metadata = new Metadata();
    metadata.set("grpc-status-details-bin", statusBytes());
    const error = fromGrpcError({ code: Code.INVALID_ARGUMENT, details: "metrics['bad']: value must be finite", metadata });
    assert.ok(error instanceof InvalidArgumentError);
    assert.ok(error instanceof ExprunError);
    assert.ok(error instanceof Error);
    assert.equal(error.code, Code.INVALID_ARGUMENT);
    assert.equal(error.codeName, "INVALID_ARGUMENT");
    assert.equal(error.name, "InvalidArgumentError");
    assert.equal(error.message, "INVALID_ARGUMENT: metrics['bad']: value must be finite");
    assert.equal(error.reason, "INVALID_ARGUMENT");
    assert.deepEqual(
      error.fieldViolations.map((violation) => violation.field),
      ["metrics['bad']", "run"],
    );
  });

  it("keeps the code and message when there is no details trailer", () => {
    const error = fromGrpcError({ code: Code.NOT_FOUND, details: "Run x not found", metadata: new Metadata() });
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.reason, "");
    assert.deepEqual(error.fieldViolations, []);
  });

  it("maps each canonical code to its class and others to the base class", () => {
    assert.ok(fromGrpcError({ code: Code.ALREADY_EXISTS, details: "" }) instanceof AlreadyExistsError);
    const other = fromGrpcError({ code: Code.DATA_LOSS, details: "lost" });
    assert.equal(other.constructor, ExprunError);
    assert.equal(other.codeName, "DATA_LOSS");
    assert.equal(fromGrpcError({ details: "?" }).code, Code.UNKNOWN);
  });

  it("returns an ExprunError unchanged", () => {
    const error = new NotFoundError(Code.NOT_FOUND, "gone");
    assert.equal(fromGrpcError(error), error);
  });
});
