/**
 * `logModel`: a model's files as the `LogModel` upload stream (a header listing every file with
 * its size and SHA-256, then each file's bytes in chunks of at most 1 MiB, in header order),
 * or a header alone for a model logged by reference (`uri`).
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { invalidArgument } from "./errors.js";
import type { LogModelRequest } from "./gen/exprun/v1/experiment_run_service.js";
import type { ExperimentModel as ExperimentModelProto } from "./gen/exprun/v1/resources.js";

/** The API's limit per `ModelChunk`. */
export const CHUNK_BYTES = 1024 * 1024;

/** One file to upload: its path inside the model directory (`/`-separated) and its bytes. */
export interface ModelFileInput {
  path: string;
  data: Uint8Array;
}

/** What `logModel` takes: a description, and either `uri` (by reference) or the files to upload. */
export interface LogModelInput {
  /** `custom` by default (the SDK's framework names: `sklearn`, `xgboost`, `pytorch`, `tensorflow`, ...). */
  frameworkName?: string;
  frameworkVersion?: string;
  /** The artifact ID; server-generated when absent. */
  artifactId?: string;
  displayName?: string;
  /** The main file inside the model directory, for example `model.onnx`. */
  modelFile?: string;
  modelClass?: string;
  /** JSON-like example input (at most 200 KB serialized). */
  inputExample?: unknown;
  /** Log by reference: the model's directory URI (`gs://...`); nothing is uploaded. */
  uri?: string;
  /** Upload these files. */
  files?: ModelFileInput[];
  /** Upload every file under this local directory (or this one file). */
  path?: string;
}

/** Every file under `root` (or `root` itself if it is a file), with `/`-separated relative paths, sorted. */
export async function readModelFiles(root: string): Promise<ModelFileInput[]> {
  const info = await stat(root);
  if (info.isFile()) return [{ path: root.slice(root.lastIndexOf(sep) + 1), data: await readFile(root) }];
  const files: ModelFileInput[] = [];
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const full = join(directory, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.push({ path: relative(root, full).split(sep).join("/"), data: await readFile(full) });
    }
  };
  await walk(root);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files;
}

/** The header, then each file's chunks, in header order; an empty file is one empty chunk. */
export async function modelUpload(run: string, input: LogModelInput): Promise<LogModelRequest[]> {
  const given = [input.uri !== undefined, input.files !== undefined, input.path !== undefined].filter(Boolean).length;
  if (given !== 1) throw invalidArgument("model", "give exactly one of uri (log by reference), files or path (upload)");
  let files = input.files ?? (input.path !== undefined ? await readModelFiles(input.path) : []);
  if (input.path !== undefined && files.length === 0) throw invalidArgument("path", `${input.path} holds no files`);
  files = files.map((file) => ({ path: file.path, data: file.data }));
  const model: ExperimentModelProto = {
    name: "",
    artifactId: input.artifactId ?? "",
    displayName: input.displayName ?? "",
    frameworkName: input.frameworkName ?? "custom",
    frameworkVersion: input.frameworkVersion ?? "",
    modelFile: input.modelFile ?? "",
    modelClass: input.modelClass ?? "",
    uri: input.uri ?? "",
    inputExample: input.inputExample,
    files: [],
    createTime: undefined,
  };
  const header: LogModelRequest = {
    kind: {
      $case: "header",
      value: {
        run,
        model,
        files: files.map((file) => ({
          path: file.path,
          sizeBytes: BigInt(file.data.byteLength),
          sha256: createHash("sha256").update(file.data).digest("hex"),
        })),
      },
    },
  };
  const requests: LogModelRequest[] = [header];
  for (const file of files) {
    const data = file.data;
    let offset = 0;
    do {
      const end = Math.min(data.byteLength, offset + CHUNK_BYTES);
      requests.push({ kind: { $case: "chunk", value: { path: file.path, data: Buffer.from(data.buffer, data.byteOffset + offset, end - offset) } } });
      offset = end;
    } while (offset < data.byteLength);
  }
  return requests;
}
