package exprun

import (
	"context"
	"errors"
	"math"
	"reflect"
	"sort"
	"testing"

	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/grpc/codes"
)

// ReadTimeSeries of the fake: every stored point, one series per metric in step order (the
// writer's default steps read the largest step from it).
func (f *fakeServer) ReadTimeSeries(_ *exprunv1.ReadTimeSeriesRequest, stream exprunv1.ExperimentRunService_ReadTimeSeriesServer) error {
	f.mu.Lock()
	response := &exprunv1.ReadTimeSeriesResponse{}
	for metric, points := range f.points {
		series := &exprunv1.TimeSeries{Metric: metric}
		for step := range points {
			series.Steps = append(series.Steps, step)
		}
		sort.Slice(series.Steps, func(i, j int) bool { return series.Steps[i] < series.Steps[j] })
		for _, step := range series.Steps {
			series.Values = append(series.Values, points[step])
		}
		response.Series = append(response.Series, series)
	}
	f.mu.Unlock()
	return stream.Send(response)
}

func TestLogNextTakesTheRunsNextStepThenCountsOn(t *testing.T) {
	f := newFakeServer()
	f.points["loss"] = map[int64]float64{40: 0.5, 41: 0.25} // logged before, by another writer
	w := newWriter(t, start(t, f), WriterOptions{})
	ctx := context.Background()
	for _, value := range []float64{1, 2} {
		if err := w.LogNext(ctx, map[string]float64{"loss": value}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Log(ctx, 100, map[string]float64{"loss": 3}); err != nil {
		t.Fatal(err)
	}
	if err := w.LogNext(ctx, map[string]float64{"loss": 4}); err != nil {
		t.Fatal(err)
	}
	if err := w.LogColumns(ctx, Columns{Steps: []int64{200, 201}, Values: map[string][]float64{"loss": {5, 6}}}); err != nil {
		t.Fatal(err)
	}
	if err := w.LogNext(ctx, map[string]float64{"loss": 7}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[int64]float64{40: 0.5, 41: 0.25, 42: 1, 43: 2, 100: 3, 101: 4, 200: 5, 201: 6, 202: 7}
	f.snapshot(func() {
		if !reflect.DeepEqual(f.points["loss"], want) {
			t.Fatalf("stored %v, want %v", f.points["loss"], want)
		}
	})
}

func TestLogNextOnAnEmptyRunStartsAtOne(t *testing.T) {
	f := newFakeServer()
	w := newWriter(t, start(t, f), WriterOptions{})
	ctx := context.Background()
	if err := w.LogNext(ctx, map[string]float64{"acc": 0.5}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	f.snapshot(func() {
		if !reflect.DeepEqual(f.points["acc"], map[int64]float64{1: 0.5}) {
			t.Fatalf("stored %v", f.points["acc"])
		}
	})
}

func TestANonFiniteValueIsRefusedNamingTheMetricAndNothingIsSent(t *testing.T) {
	f := newFakeServer()
	run := start(t, f)
	w := newWriter(t, run, WriterOptions{})
	ctx := context.Background()
	cases := []struct {
		name  string
		log   func() error
		field string
	}{
		{"Log NaN", func() error { return w.Log(ctx, 1, map[string]float64{"acc": 1, "loss": math.NaN()}) }, "metrics['loss']"},
		{"LogNext +Inf", func() error { return w.LogNext(ctx, map[string]float64{"loss": math.Inf(1)}) }, "metrics['loss']"},
		{"LogColumns -Inf", func() error {
			return w.LogColumns(ctx, Columns{Steps: []int64{1, 2}, Values: map[string][]float64{"loss": {1, math.Inf(-1)}}})
		}, "Values['loss']"},
		{"WriteTimeSeries NaN", func() error {
			_, err := run.WriteTimeSeries(ctx, []Series{{Metric: "loss", Steps: []int64{1}, Values: []float64{math.NaN()}}}, WriteOptions{})
			return err
		}, "batch.series[0].values"},
	}
	for _, c := range cases {
		err := c.log()
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrInvalidArgument) || e.Code != codes.InvalidArgument {
			t.Fatalf("%s gave %v, want an *Error matching ErrInvalidArgument", c.name, err)
		}
		if e.Metadata["metric"] != "loss" || !reflect.DeepEqual(e.Fields(), []string{c.field}) || e.Reason != ReasonInvalidValue {
			t.Fatalf("%s gave metadata %v, fields %v, reason %s", c.name, e.Metadata, e.Fields(), e.Reason)
		}
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if stats := w.Stats(); stats.PointsLogged != 0 {
		t.Fatalf("refused points were kept: %+v", stats)
	}
	f.snapshot(func() {
		if len(f.received) != 0 || f.opens > 1 {
			t.Fatalf("refused points reached the server: batches %v", f.received)
		}
	})
}
