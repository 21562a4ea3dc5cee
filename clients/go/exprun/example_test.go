package exprun_test

import (
	"context"
	"errors"
	"log"

	"github.com/exprun/exprun/clients/go/exprun"
)

// The README's example; compiled by go test, not run (it needs a server).
func Example() {
	ctx := context.Background()
	client, err := exprun.NewClient(exprun.Options{Target: "127.0.0.1:50051", Project: "my-project", Experiment: "churn-model"})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	if _, err := client.CreateExperiment(ctx, "", nil); err != nil && !errors.Is(err, exprun.ErrAlreadyExists) {
		log.Fatal(err)
	}
	run, err := client.CreateRun(ctx, "baseline-1")
	if err != nil {
		log.Fatal(err)
	}
	_ = run.LogParams(ctx, map[string]any{"lr": 0.01, "layers": 3, "optimizer": "adam"})
	writer, _ := run.NewTimeSeriesWriter(exprun.WriterOptions{})
	for step := int64(1); step <= 1000; step++ {
		_ = writer.Log(ctx, step, map[string]float64{"loss": 1 / float64(step)})
	}
	if err := writer.Close(ctx); err != nil { // flushes: every point is acknowledged
		log.Fatal(err)
	}
	_ = run.LogMetrics(ctx, map[string]any{"accuracy": 0.93})
	_ = run.End(ctx)
}
