/**
 * The one place that calls the generated grpc-js stub.
 *
 * Every call goes through `Api.unary` or `Api.serverStream`, so call metadata (the bearer
 * token) and the deadline are attached once and every grpc-js `ServiceError` becomes a typed
 * `ExprunError` before user code sees it.
 */
import * as grpc from "@grpc/grpc-js";
import { ExperimentRunServiceClient } from "./gen/exprun/v1/experiment_run_service.js";
import { fromGrpcError } from "./errors.js";

export type UnaryInvoker<Res> = (
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: Res) => void,
) => grpc.ClientUnaryCall;

export class Api {
  readonly stub: ExperimentRunServiceClient;
  private readonly headers: ReadonlyArray<readonly [string, string]>;
  private readonly timeoutMs: number | undefined;

  constructor(stub: ExperimentRunServiceClient, headers: ReadonlyArray<readonly [string, string]>, timeoutMs?: number) {
    this.stub = stub;
    this.headers = headers;
    this.timeoutMs = timeoutMs;
  }

  /** Fresh metadata for one call (grpc-js may modify what it is given). */
  metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    for (const [key, value] of this.headers) metadata.add(key, value);
    return metadata;
  }

  private options(): grpc.CallOptions {
    return this.timeoutMs === undefined ? {} : { deadline: Date.now() + this.timeoutMs };
  }

  /** A unary call: `invoke` calls one stub method with the metadata, options and callback. */
  unary<Res>(invoke: UnaryInvoker<Res>): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      invoke(this.metadata(), this.options(), (error, response) => {
        if (error) reject(fromGrpcError(error));
        else resolve(response as Res);
      });
    });
  }

  /** A server-streaming call, its messages as an async iterable; errors are typed. */
  async *serverStream<Res>(open: (metadata: grpc.Metadata) => grpc.ClientReadableStream<Res>): AsyncGenerator<Res> {
    const call = open(this.metadata());
    try {
      for await (const message of call) yield message as Res;
    } catch (error) {
      throw fromGrpcError(error as grpc.ServiceError);
    } finally {
      call.cancel();
    }
  }

  /**
   * Every item of a paged List call: `page(token)` fetches one page; follows `nextPageToken`
   * until it is empty, the API's only end-of-list signal.
   */
  async listAll<Page extends { nextPageToken: string }, Item>(
    page: (token: string) => Promise<Page>,
    items: (response: Page) => Item[],
  ): Promise<Item[]> {
    const result: Item[] = [];
    let token = "";
    for (;;) {
      const response = await page(token);
      result.push(...items(response));
      token = response.nextPageToken;
      if (!token) return result;
    }
  }
}
