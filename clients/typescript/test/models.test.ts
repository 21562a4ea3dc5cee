import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { InvalidArgumentError } from "../src/errors.js";
import { CHUNK_BYTES, modelUpload, readModelFiles } from "../src/models.js";

const RUN = "projects/p/locations/l/experiments/e/runs/r";

describe("model uploads", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "exprun-model-"));
    await mkdir(join(dir, "sub"));
    await writeFile(join(dir, "model.bin"), Buffer.alloc(2 * CHUNK_BYTES + 5, 7));
    await writeFile(join(dir, "sub", "empty.txt"), "");
    await writeFile(join(dir, "a.json"), "{}");
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("reads a directory as sorted /-separated relative paths", async () => {
    assert.deepEqual(
      (await readModelFiles(dir)).map((f) => [f.path, f.data.length]),
      [
        ["a.json", 2],
        ["model.bin", 2 * CHUNK_BYTES + 5],
        ["sub/empty.txt", 0],
      ],
    );
    assert.deepEqual((await readModelFiles(join(dir, "a.json"))).map((f) => f.path), ["a.json"]);
  });

  it("sends a header with sizes and SHA-256, then 1 MiB chunks in header order, an empty file as one empty chunk", async () => {
    const requests = await modelUpload(RUN, { path: dir, frameworkName: "sklearn" });
    const header = requests[0]!.kind;
    assert.equal(header?.$case, "header");
    if (header?.$case !== "header") return;
    assert.equal(header.value.run, RUN);
    assert.equal(header.value.model?.frameworkName, "sklearn");
    const big = Buffer.alloc(2 * CHUNK_BYTES + 5, 7);
    assert.deepEqual(header.value.files[1], {
      path: "model.bin",
      sizeBytes: BigInt(big.length),
      sha256: createHash("sha256").update(big).digest("hex"),
    });
    const chunks = requests.slice(1).map((r) => (r.kind?.$case === "chunk" ? [r.kind.value.path, r.kind.value.data.length] : null));
    assert.deepEqual(chunks, [
      ["a.json", 2],
      ["model.bin", CHUNK_BYTES],
      ["model.bin", CHUNK_BYTES],
      ["model.bin", 5],
      ["sub/empty.txt", 0],
    ]);
  });

  it("logs by reference with a header alone, and wants exactly one of uri, files and path", async () => {
    const requests = await modelUpload(RUN, { uri: "gs://b/m" });
    assert.equal(requests.length, 1);
    await assert.rejects(modelUpload(RUN, { uri: "gs://b/m", files: [] }), InvalidArgumentError);
    await assert.rejects(modelUpload(RUN, {}), InvalidArgumentError);
  });
});
