// Command scenario runs the polyglot interop scenario (clients/scenario/SCENARIO.md) through the
// Go client against the server at EXPRUN_TARGET (default 127.0.0.1:50051). It exits non-zero on
// any mismatch and prints "scenario go: ok" at the end.
package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"time"

	"github.com/exprun/exprun/clients/go/exprun"
	"google.golang.org/grpc/codes"
)

const (
	lang  = "go"
	steps = 50_000
	// Rows per LogColumns call: the points arrive over several calls, as from a training loop.
	rowsPerCall = 5_000
	// Batches smaller than the default 50,000 points, so that batches are still in flight when
	// the reconnect is forced and some are resent.
	batchPoints = 10_000
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "scenario %s: FAILED: %v\n", lang, err)
		os.Exit(1)
	}
	fmt.Printf("scenario %s: ok\n", lang)
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// 1. Connect with defaults.
	// No WithTarget: the client reads EXPRUN_TARGET (default 127.0.0.1:50051).
	client, err := exprun.NewClient(ctx,
		exprun.WithProject("polyglot-ci"),
		exprun.WithLocation("us-central1"),
		exprun.WithExperiment("polyglot-"+lang),
	)
	if err != nil {
		return err
	}
	defer client.Close()

	// 2. The experiment (it may exist), a fresh run.
	if _, err := client.CreateExperiment(ctx, "", nil); err != nil && !errors.Is(err, exprun.ErrAlreadyExists) {
		return fmt.Errorf("create experiment: %w", err)
	}
	runID := "scenario-" + lang
	existing, err := client.GetRun(ctx, runID)
	switch {
	case err == nil:
		if err := existing.Delete(ctx); err != nil {
			return fmt.Errorf("delete the previous run: %w", err)
		}
	case !errors.Is(err, exprun.ErrNotFound):
		return fmt.Errorf("get run: %w", err)
	}
	run, err := client.CreateRun(ctx, runID, exprun.WithState(exprun.RunStateRunning))
	if err != nil {
		return fmt.Errorf("create run: %w", err)
	}

	// 3-5. Params, summary metrics, classification metrics.
	if err := run.LogParams(ctx, map[string]any{"lr": 0.01, "layers": int64(4), "optimizer": "adam"}); err != nil {
		return fmt.Errorf("log params: %w", err)
	}
	if err := run.LogMetrics(ctx, map[string]any{"accuracy": 0.91, "epochs": int64(3)}); err != nil {
		return fmt.Errorf("log metrics: %w", err)
	}
	_, err = run.LogClassificationMetrics(ctx, exprun.ClassificationMetrics{
		DisplayName: "eval",
		Labels:      []string{"cat", "dog"},
		Matrix:      [][]float64{{9, 1}, {2, 8}},
		FPR:         []float64{0.0, 0.1, 1.0},
		TPR:         []float64{0.0, 0.8, 1.0},
		Threshold:   []float64{1.0, 0.5, 0.0},
	})
	if err != nil {
		return fmt.Errorf("log classification metrics: %w", err)
	}

	// 6. 100,000 points through the writer, with one forced reconnect after >= 50,000 are acked.
	if err := stream(ctx, run); err != nil {
		return err
	}

	// 7. A server error, typed: NaN is INVALID_ARGUMENT naming metrics['bad'].
	err = run.LogMetrics(ctx, map[string]any{"bad": math.NaN()})
	var rpcErr *exprun.Error
	if !errors.As(err, &rpcErr) {
		return fmt.Errorf("a NaN metric gave %v, not an *exprun.Error", err)
	}
	fmt.Printf("scenario %s: error %s on %q (reason %s)\n", lang, exprun.CodeName(rpcErr.Code), rpcErr.Fields(), rpcErr.Reason)
	if rpcErr.Code != codes.InvalidArgument || !reflect.DeepEqual(rpcErr.Fields(), []string{"metrics['bad']"}) {
		return fmt.Errorf("a NaN metric gave %v with fields %q", rpcErr, rpcErr.Fields())
	}

	// 8. End the run (COMPLETE).
	if err := run.End(ctx); err != nil {
		return fmt.Errorf("end run: %w", err)
	}

	// 9. Read everything back.
	if err := check(ctx, run); err != nil {
		return err
	}

	// 5a. Executions, artifacts, a model by URI, pipeline and custom job links.
	if err := linked(ctx, client, run); err != nil {
		return err
	}
	return checkLinked(ctx, client, run)
}

func stream(ctx context.Context, run *exprun.Run) error {
	writer, err := run.NewTimeSeriesWriter(exprun.WriterOptions{WriterID: "scenario-" + lang, MaxBatchPoints: batchPoints})
	if err != nil {
		return err
	}
	started := time.Now()
	logRows := func(first, last int) error {
		for start := first; start <= last; start += rowsPerCall {
			columns := exprun.Columns{Values: map[string][]float64{"loss": nil, "acc": nil}}
			for step := start; step < start+rowsPerCall && step <= last; step++ {
				columns.Steps = append(columns.Steps, int64(step))
				columns.Values["loss"] = append(columns.Values["loss"], 1/float64(step))
				columns.Values["acc"] = append(columns.Values["acc"], float64(step)/steps)
			}
			if err := writer.LogColumns(ctx, columns); err != nil {
				return fmt.Errorf("log columns: %w", err)
			}
		}
		return nil
	}
	// The first half (50,000 points over the two metrics) acknowledged, then the forced
	// reconnect, so the writer must reopen the stream for the second half whatever the load.
	half := steps / 2
	if err := logRows(1, half); err != nil {
		_ = writer.Close(ctx)
		return err
	}
	if err := writer.Flush(ctx); err != nil {
		_ = writer.Close(ctx)
		return fmt.Errorf("flush: %w", err)
	}
	stats := writer.Stats()
	writer.Reconnect()
	fmt.Printf("scenario %s: forced a reconnect with %d points acked (sequence %d), %d pending\n",
		lang, stats.PointsAcked, stats.CommittedSequence, stats.PointsPending)
	if err := logRows(half+1, steps); err != nil {
		_ = writer.Close(ctx)
		return err
	}
	if err := writer.Flush(ctx); err != nil {
		_ = writer.Close(ctx)
		return fmt.Errorf("flush: %w", err)
	}
	if err := writer.Close(ctx); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	elapsed := time.Since(started)
	stats = writer.Stats()
	fmt.Printf("scenario %s: writer %.0f points/s (%d points acked, %d reconnects, %d batches resent)\n",
		lang, float64(stats.PointsAcked)/elapsed.Seconds(), stats.PointsAcked, stats.Reconnects, stats.BatchesResent)
	if stats.PointsAcked != 2*steps || stats.Reconnects < 1 {
		return fmt.Errorf("writer stats %+v: want %d points acked and a reconnect", stats, 2*steps)
	}
	return nil
}

func check(ctx context.Context, run *exprun.Run) error {
	params, err := run.Params(ctx)
	if err != nil {
		return err
	}
	if want := map[string]any{"lr": 0.01, "layers": int64(4), "optimizer": "adam"}; !reflect.DeepEqual(params, want) {
		return fmt.Errorf("params %#v, want %#v", params, want)
	}
	metrics, err := run.Metrics(ctx)
	if err != nil {
		return err
	}
	if want := map[string]any{"accuracy": 0.91, "epochs": int64(3)}; !reflect.DeepEqual(metrics, want) {
		return fmt.Errorf("metrics %#v, want %#v", metrics, want)
	}
	state, err := run.State(ctx)
	if err != nil {
		return err
	}
	if state != exprun.RunStateComplete {
		return fmt.Errorf("state %s, want RUN_STATE_COMPLETE", state)
	}
	all, err := exprun.Collect(run.ListClassificationMetrics(ctx))
	if err != nil {
		return err
	}
	if len(all) != 1 {
		return fmt.Errorf("%d classification metrics, want 1", len(all))
	}
	cm := all[0]
	if cm.DisplayName != "eval" || !reflect.DeepEqual(cm.Labels, []string{"cat", "dog"}) ||
		!reflect.DeepEqual(cm.Matrix, [][]float64{{9, 1}, {2, 8}}) ||
		!reflect.DeepEqual(cm.FPR, []float64{0.0, 0.1, 1.0}) ||
		!reflect.DeepEqual(cm.TPR, []float64{0.0, 0.8, 1.0}) ||
		!reflect.DeepEqual(cm.Threshold, []float64{1.0, 0.5, 0.0}) {
		return fmt.Errorf("classification metrics %+v", cm)
	}
	series, err := run.ReadAllTimeSeries(ctx, exprun.ReadOptions{})
	if err != nil {
		return err
	}
	for metric, value := range map[string]func(step int64) float64{
		"loss": func(step int64) float64 { return 1 / float64(step) },
		"acc":  func(step int64) float64 { return float64(step) / steps },
	} {
		got := series[metric]
		if got == nil {
			return fmt.Errorf("series %s is missing", metric)
		}
		if got.Len() != steps || len(got.Steps) != steps {
			return fmt.Errorf("series %s: %d points, want %d", metric, got.Len(), steps)
		}
		for i, step := range got.Steps {
			if step != int64(i+1) {
				return fmt.Errorf("series %s: step %d at index %d", metric, step, i)
			}
		}
		for _, step := range []int64{1, 2, 777, steps / 2, steps/2 + 1, steps} {
			if got.Values[step-1] != value(step) {
				return fmt.Errorf("series %s: %v at step %d, want %v", metric, got.Values[step-1], step, value(step))
			}
		}
	}
	return nil
}
