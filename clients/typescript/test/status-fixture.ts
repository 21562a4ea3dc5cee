/** Serialized `google.rpc.Status` messages for tests, written with protobuf's wire writer. */
import { BinaryWriter } from "@bufbuild/protobuf/wire";

export interface StatusFixture {
  code: number;
  message: string;
  errorInfo?: { reason: string; domain: string; metadata?: Record<string, string> };
  violations?: [field: string, description: string][];
  /** A `google.rpc.RetryInfo` with this retry_delay. */
  retryDelayMs?: number;
  /** Extra `Any` details, as [type URL, value]. */
  extra?: [string, Uint8Array][];
}

function any(writer: BinaryWriter, typeUrl: string, value: Uint8Array): void {
  writer.uint32(0x1a).fork().uint32(0x0a).string(typeUrl).uint32(0x12).bytes(value).join();
}

export function encodeStatus(fixture: StatusFixture): Uint8Array {
  const writer = new BinaryWriter();
  writer.uint32(0x08).int32(fixture.code).uint32(0x12).string(fixture.message);
  for (const [typeUrl, value] of fixture.extra ?? []) any(writer, typeUrl, value);
  if (fixture.errorInfo) {
    const info = new BinaryWriter();
    info.uint32(0x0a).string(fixture.errorInfo.reason).uint32(0x12).string(fixture.errorInfo.domain);
    for (const [key, value] of Object.entries(fixture.errorInfo.metadata ?? {})) {
      info.uint32(0x1a).fork().uint32(0x0a).string(key).uint32(0x12).string(value).join();
    }
    any(writer, "type.googleapis.com/google.rpc.ErrorInfo", info.finish());
  }
  if (fixture.violations) {
    const badRequest = new BinaryWriter();
    for (const [field, description] of fixture.violations) {
      badRequest.uint32(0x0a).fork().uint32(0x0a).string(field).uint32(0x12).string(description).join();
    }
    any(writer, "type.googleapis.com/google.rpc.BadRequest", badRequest.finish());
  }
  if (fixture.retryDelayMs !== undefined) {
    const seconds = Math.floor(fixture.retryDelayMs / 1000);
    const nanos = Math.round((fixture.retryDelayMs - seconds * 1000) * 1e6);
    const retryInfo = new BinaryWriter();
    retryInfo.uint32(0x0a).fork().uint32(0x08).int64(seconds).uint32(0x10).int32(nanos).join();
    any(writer, "type.googleapis.com/google.rpc.RetryInfo", retryInfo.finish());
  }
  return writer.finish();
}
