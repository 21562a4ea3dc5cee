package exprun

import (
	"context"
	"errors"
	"io"

	"github.com/exprun/exprun/clients/go/exprunv1"
)

// Series is one metric's points in step order, column-major like the wire format.
type Series struct {
	Metric         string
	Steps          []int64
	Values         []float64
	WallTimeMicros []int64
}

// Len is the number of points.
func (s *Series) Len() int { return len(s.Values) }

// ReadOptions narrow ReadTimeSeries. The zero value reads every point of every metric.
type ReadOptions struct {
	// Metrics limits the read to these metrics; all when empty.
	Metrics []string
	// StartStep keeps steps >= StartStep.
	StartStep int64
	// EndStep keeps steps < EndStep; 0 means no upper bound.
	EndStep int64
	// MaxPoints downsamples each metric to at most this many points; 0 means all.
	MaxPoints int32
}

// ReadTimeSeries reads the run's time series (server streaming) and joins the chunks per metric.
func (r *Run) ReadTimeSeries(ctx context.Context, opts ReadOptions) (map[string]*Series, error) {
	result := map[string]*Series{}
	err := r.ReadTimeSeriesChunks(ctx, opts, func(chunk []*exprunv1.TimeSeries) error {
		for _, part := range chunk {
			series := result[part.GetMetric()]
			if series == nil {
				series = &Series{Metric: part.GetMetric()}
				result[part.GetMetric()] = series
			}
			series.Steps = append(series.Steps, part.GetSteps()...)
			series.Values = append(series.Values, part.GetValues()...)
			series.WallTimeMicros = append(series.WallTimeMicros, part.GetWallTimeMicros()...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return result, nil
}

// ReadTimeSeriesChunks streams the run's time series to fn one chunk at a time, without joining
// them; a metric may span chunks. An error from fn stops the read and is returned.
func (r *Run) ReadTimeSeriesChunks(ctx context.Context, opts ReadOptions, fn func([]*exprunv1.TimeSeries) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := r.client.stub.ReadTimeSeries(ctx, &exprunv1.ReadTimeSeriesRequest{
		Run:       r.name,
		Metrics:   opts.Metrics,
		StartStep: opts.StartStep,
		EndStep:   opts.EndStep,
		MaxPoints: opts.MaxPoints,
	})
	if err != nil {
		return FromError(err)
	}
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fromCall(err, stream.Trailer())
		}
		if err := fn(chunk.GetSeries()); err != nil {
			return err
		}
	}
}
