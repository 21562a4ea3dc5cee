package exprun_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/exprun/exprun/clients/go/exprun"
)

// The README's example (its main), compiled by go test, not run here (it needs a server):
// clients/go/consumer_test.sh builds and runs the README's copy in a fresh project.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// The server is EXPRUN_TARGET (default 127.0.0.1:50051).
	client, err := exprun.NewClient(ctx, exprun.WithProject("my-project"), exprun.WithExperiment("churn-model"))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	if _, err := client.CreateExperiment(ctx, "", nil); err != nil && !errors.Is(err, exprun.ErrAlreadyExists) {
		log.Fatal(err)
	}

	// Run IDs are unique in an experiment: a new one each time the program runs.
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	run, err := client.CreateRun(ctx, "baseline-"+time.Now().UTC().Format("20060102-150405")+"-"+hex.EncodeToString(suffix))
	if err != nil {
		log.Fatal(err)
	}
	if err := run.LogParams(ctx, map[string]any{"lr": 0.01, "layers": 3, "optimizer": "adam"}); err != nil {
		log.Fatal(err)
	}

	writer, err := run.NewTimeSeriesWriter(exprun.WriterOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for step := int64(1); step <= 1000; step++ {
		if err := writer.Log(ctx, step, map[string]float64{"loss": 1 / float64(step)}); err != nil {
			log.Fatal(err)
		}
	}
	if err := writer.Close(ctx); err != nil { // flushes: every point is acknowledged
		log.Fatal(err)
	}
	if err := run.LogMetrics(ctx, map[string]any{"accuracy": 0.93}); err != nil {
		log.Fatal(err)
	}
	if err := run.End(ctx); err != nil {
		log.Fatal(err)
	}

	points := 0
	for series, err := range run.ReadTimeSeries(ctx, exprun.ReadOptions{}) {
		if err != nil {
			log.Fatal(err)
		}
		points += series.Len()
	}
	fmt.Printf("run %s: %d points\n", run.ID(), points)
}
