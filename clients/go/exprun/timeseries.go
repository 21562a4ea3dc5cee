package exprun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"

	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/grpc/codes"
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

// ReadTimeSeries reads the run's time series (server streaming) as they arrive: each item is a
// piece of one metric's points in step order, and a metric may come in several pieces (the
// server's chunks). Break out of the loop to stop the read. ReadAllTimeSeries joins them.
// A read that fails before its first piece is retried as an idempotent call is; one that fails
// later yields the error (the pieces before it were yielded).
func (r *Run) ReadTimeSeries(ctx context.Context, opts ReadOptions) iter.Seq2[*Series, error] {
	request := &exprunv1.ReadTimeSeriesRequest{
		Run:       r.name,
		Metrics:   opts.Metrics,
		StartStep: opts.StartStep,
		EndStep:   opts.EndStep,
		MaxPoints: opts.MaxPoints,
	}
	return retriedStream(ctx, r.client, func(ctx context.Context, yield func(*Series, error) bool) (bool, error) {
		stream, err := r.client.stub.ReadTimeSeries(ctx, request)
		if err != nil {
			return false, FromError(err)
		}
		yielded := false
		for {
			chunk, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				return yielded, nil
			}
			if err != nil {
				return yielded, fromCall(err, stream.Trailer())
			}
			for _, part := range chunk.GetSeries() {
				yielded = true
				piece := &Series{
					Metric:         part.GetMetric(),
					Steps:          part.GetSteps(),
					Values:         part.GetValues(),
					WallTimeMicros: part.GetWallTimeMicros(),
				}
				if !yield(piece, nil) {
					return yielded, errStopped
				}
			}
		}
	})
}

// ReadAllTimeSeries reads the run's time series and joins the pieces per metric.
func (r *Run) ReadAllTimeSeries(ctx context.Context, opts ReadOptions) (map[string]*Series, error) {
	result := map[string]*Series{}
	for piece, err := range r.ReadTimeSeries(ctx, opts) {
		if err != nil {
			return nil, err
		}
		series := result[piece.Metric]
		if series == nil {
			result[piece.Metric] = piece
			continue
		}
		series.Steps = append(series.Steps, piece.Steps...)
		series.Values = append(series.Values, piece.Values...)
		series.WallTimeMicros = append(series.WallTimeMicros, piece.WallTimeMicros...)
	}
	return result, nil
}

// MaxWritePoints is the most points one WriteTimeSeries call takes (the Vertex write limit).
const MaxWritePoints = 5000

// WriteOptions make a WriteTimeSeries call idempotent: with a WriterID and a Sequence (>= 1,
// increasing per writer), a batch at or below the writer's committed sequence is acknowledged
// and not written again, so the call is retried on UNAVAILABLE. Without them it is sent once.
type WriteOptions struct {
	WriterID string
	Sequence int64
}

// WriteResult is what a WriteTimeSeries call stored.
type WriteResult struct {
	// CommittedSequence is the writer's highest committed sequence (0 without a writer).
	CommittedSequence int64
	// PointsWritten is how many points this call stored (0 for a repeated batch).
	PointsWritten int64
}

// WriteTimeSeries writes one small batch (at most MaxWritePoints points) in a unary call: for
// a few points at a time. A Series with no Steps takes the run's next steps, with no
// WallTimeMicros now. For a training loop's stream, use NewTimeSeriesWriter.
// Values must be finite: a NaN or an infinity is refused before the call.
func (r *Run) WriteTimeSeries(ctx context.Context, series []Series, opts WriteOptions) (WriteResult, error) {
	batch := &exprunv1.TimeSeriesBatch{Series: make([]*exprunv1.TimeSeries, len(series))}
	for i, s := range series {
		for _, value := range s.Values {
			if math.IsNaN(value) || math.IsInf(value, 0) {
				return WriteResult{}, nonFinite(fmt.Sprintf("batch.series[%d].values", i), s.Metric, value)
			}
		}
		batch.Series[i] = &exprunv1.TimeSeries{Metric: s.Metric, Steps: s.Steps, Values: s.Values, WallTimeMicros: s.WallTimeMicros}
	}
	if opts.Sequence != 0 && opts.WriterID == "" {
		return WriteResult{}, clientError(codes.InvalidArgument, ReasonInvalidValue, "WriteOptions.Sequence requires a WriterID", nil).withField("writer_id", "required with a sequence")
	}
	request := &exprunv1.WriteTimeSeriesRequest{Run: r.name, WriterId: opts.WriterID, Sequence: opts.Sequence, Batch: batch}
	var response *exprunv1.WriteTimeSeriesResponse
	var err error
	if opts.WriterID != "" && opts.Sequence > 0 {
		response, err = retried(ctx, r.client, r.client.stub.WriteTimeSeries, request)
	} else {
		response, err = call(ctx, r.client.stub.WriteTimeSeries, request)
	}
	return WriteResult{CommittedSequence: response.GetCommittedSequence(), PointsWritten: response.GetPointsWritten()}, err
}
