/**
 * The writer's throughput against a running server (`EXPRUN_TARGET`), as issue 13 measures it:
 * 2,000,000 points over 10 metrics through one `TimeSeriesWriter`, per step (`log`, one call per
 * step of 10 metrics) and columnar (`logColumns`, `ROWS_PER_CALL` rows a call). Prints points/s
 * from the first log to the final ack (`close()`), and the client's CPU (user + system, this
 * process: the encoder, grpc-js, the event loop) per point, which load barely moves.
 *
 * `npm run bench` after `npm run build`; `BENCH_POINTS` overrides the point count.
 */
import { randomUUID } from "node:crypto";
import { ExprunClient } from "../src/index.js";

const POINTS = Number(process.env.BENCH_POINTS ?? 2_000_000);
const METRICS = 10;
const STEPS = Math.floor(POINTS / METRICS);
const ROWS_PER_CALL = 1000;
const names = Array.from({ length: METRICS }, (_, i) => `m${i}`);

interface Figures {
  mode: string;
  points: number;
  seconds: number;
  cpuSeconds: number;
}

async function measure(client: ExprunClient, mode: string, body: (log: ReturnType<typeof writerFor>) => Promise<void>): Promise<Figures> {
  const run = await client.createRun(`bench-${mode}-${randomUUID().slice(0, 8)}`);
  const writer = writerFor(run);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await body(writer);
  await writer.close();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (writer.pointsAcked !== STEPS * METRICS) throw new Error(`${writer.pointsAcked} points acknowledged`);
  await run.delete();
  return { mode, points: writer.pointsAcked, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

function writerFor(run: Awaited<ReturnType<ExprunClient["createRun"]>>) {
  return run.timeSeriesWriter();
}

async function perStep(writer: ReturnType<typeof writerFor>): Promise<void> {
  for (let step = 1; step <= STEPS; step++) {
    const row: Record<string, number> = {};
    for (let m = 0; m < METRICS; m++) row[names[m]!] = step * 0.001 + m;
    await writer.log(row, step);
  }
}

async function columnar(writer: ReturnType<typeof writerFor>): Promise<void> {
  for (let start = 1; start <= STEPS; start += ROWS_PER_CALL) {
    const rows = Math.min(ROWS_PER_CALL, STEPS - start + 1);
    const steps = new Float64Array(rows);
    const columns: Record<string, Float64Array> = {};
    for (let m = 0; m < METRICS; m++) columns[names[m]!] = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      steps[i] = start + i;
      for (let m = 0; m < METRICS; m++) columns[names[m]!]![i] = (start + i) * 0.001 + m;
    }
    await writer.logColumns(steps, columns);
  }
}

async function main(): Promise<void> {
  const client = new ExprunClient({ project: "ts-bench", experiment: "ts-bench" });
  try {
    await client.getOrCreateExperiment("ts-bench");
    console.log(`typescript writer: ${POINTS.toLocaleString("en-US")} points, ${METRICS} metrics, against ${client.target}`);
    for (const [mode, body] of [
      ["per-step", perStep],
      ["columnar", columnar],
    ] as const) {
      const f = await measure(client, mode, body);
      console.log(
        `  ${f.mode.padEnd(9)} ${Math.round(f.points / f.seconds).toLocaleString("en-US").padStart(10)} points/s  ` +
          `${((f.cpuSeconds / f.points) * 1e6).toFixed(3)} µs client CPU/point  (${f.seconds.toFixed(2)} s, CPU ${f.cpuSeconds.toFixed(2)} s)`,
      );
    }
  } finally {
    client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
