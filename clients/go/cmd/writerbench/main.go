// Command writerbench measures the Go TimeSeriesWriter against the server at EXPRUN_TARGET
// (default 127.0.0.1:50051): points/s from the first log to the last ack, and the client
// process's CPU time (user + system, all goroutines: encoding and gRPC included) per point,
// for per-step Log calls and for columnar LogColumns calls.
//
//	go run ./cmd/writerbench -points 2000000 -metrics 10
//
// Each mode writes to a new run of experiment "writerbench" in project "writer-bench".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/exprun/exprun/clients/go/exprun"
)

func main() {
	points := flag.Int("points", 2_000_000, "points per mode")
	metrics := flag.Int("metrics", 10, "metrics per step")
	rows := flag.Int("rows", 1000, "rows per LogColumns call")
	modes := flag.String("modes", "per-step,columnar", "per-step, columnar or both")
	flag.Parse()
	if err := run(*points, *metrics, *rows, *modes); err != nil {
		fmt.Fprintln(os.Stderr, "writerbench:", err)
		os.Exit(1)
	}
}

func run(points, metrics, rowsPerCall int, modes string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	client, err := exprun.NewClient(ctx, exprun.WithProject("writer-bench"), exprun.WithExperiment("writerbench"))
	if err != nil {
		return err
	}
	defer client.Close()
	if _, err := client.CreateExperiment(ctx, "", nil); err != nil && !errors.Is(err, exprun.ErrAlreadyExists) {
		return err
	}
	names := make([]string, metrics)
	for i := range names {
		names[i] = "m" + strconv.Itoa(i)
	}
	steps := points / metrics
	fmt.Printf("writerbench: %d points (%d steps x %d metrics) per mode, server %s\n", steps*metrics, steps, metrics, envOr("EXPRUN_TARGET", exprun.DefaultTarget))
	for _, mode := range []string{"per-step", "columnar"} {
		if !slices.Contains(strings.Split(modes, ","), mode) {
			continue
		}
		run, err := client.CreateRun(ctx, fmt.Sprintf("%s-%d", mode, time.Now().UnixNano()))
		if err != nil {
			return err
		}
		writer, err := run.NewTimeSeriesWriter(exprun.WriterOptions{})
		if err != nil {
			return err
		}
		cpuStart, wallStart := cpuTime(), time.Now()
		if mode == "per-step" {
			row := make(map[string]float64, metrics)
			for step := 1; step <= steps; step++ {
				for i, name := range names {
					row[name] = float64(step) + float64(i)
				}
				if err := writer.Log(ctx, int64(step), row); err != nil {
					return err
				}
			}
		} else {
			columns := exprun.Columns{Steps: make([]int64, 0, rowsPerCall), Values: map[string][]float64{}}
			for start := 1; start <= steps; start += rowsPerCall {
				end := min(steps, start+rowsPerCall-1)
				columns.Steps = columns.Steps[:0]
				for step := start; step <= end; step++ {
					columns.Steps = append(columns.Steps, int64(step))
				}
				for i, name := range names {
					values := columns.Values[name][:0]
					for step := start; step <= end; step++ {
						values = append(values, float64(step)+float64(i))
					}
					columns.Values[name] = values
				}
				if err := writer.LogColumns(ctx, columns); err != nil {
					return err
				}
			}
		}
		cpuLogged, wallLogged := cpuTime(), time.Now()
		if err := writer.Close(ctx); err != nil {
			return err
		}
		wall, cpu := time.Since(wallStart), cpuTime()-cpuStart
		acked := writer.Stats().PointsAcked
		if acked != int64(steps*metrics) {
			return fmt.Errorf("%s: %d points acked, want %d", mode, acked, steps*metrics)
		}
		fmt.Printf("%-9s %8.0f points/s  %5.3f s wall  client CPU %5.3f s = %5.3f us/point (log calls: %5.3f s wall, %5.3f us/point CPU)\n",
			mode, float64(acked)/wall.Seconds(), wall.Seconds(), cpu.Seconds(), cpu.Seconds()*1e6/float64(acked),
			wallLogged.Sub(wallStart).Seconds(), (cpuLogged-cpuStart).Seconds()*1e6/float64(acked))
	}
	return nil
}

// cpuTime is the process's user plus system CPU time so far.
func cpuTime() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
