package exprun

import (
	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/grpc/codes"
)

// The pure parts of the TimeSeriesWriter: the column buffer that Log appends to, the plan that
// cuts it into batches, and the window of numbered batches kept until acknowledged. They do no
// I/O and take no locks; the writer holds its lock around them.

// MaxStreamBatchPoints is the most points the server accepts in one streamed batch.
const MaxStreamBatchPoints = 100_000

// column is one metric's buffered points, column-major like the wire format.
type column struct {
	metric string
	steps  []int64
	values []float64
	walls  []int64
}

func (c *column) len() int { return len(c.values) }

// buffer holds the points logged and not yet cut into batches, one column per metric in the
// order metrics were first logged.
type buffer struct {
	columns []*column
	index   map[string]*column
	points  int
}

func (b *buffer) column(metric string) *column {
	c := b.index[metric]
	if c == nil {
		if b.index == nil {
			b.index = map[string]*column{}
		}
		c = &column{metric: metric}
		b.index[metric] = c
		b.columns = append(b.columns, c)
	}
	return c
}

// appendRow adds one point per metric at step.
func (b *buffer) appendRow(step, wallMicros int64, metrics map[string]float64) {
	for metric, value := range metrics {
		c := b.column(metric)
		c.steps = append(c.steps, step)
		c.values = append(c.values, value)
		c.walls = append(c.walls, wallMicros)
	}
	b.points += len(metrics)
}

// appendRows adds rows [start, end) of aligned columns; walls has one entry per row.
func (b *buffer) appendRows(steps, walls []int64, values map[string][]float64, start, end int) {
	for metric, data := range values {
		c := b.column(metric)
		c.steps = append(c.steps, steps[start:end]...)
		c.values = append(c.values, data[start:end]...)
		c.walls = append(c.walls, walls[start:end]...)
	}
	b.points += (end - start) * len(values)
}

// take empties the buffer and returns its columns.
func (b *buffer) take() []*column {
	columns := b.columns
	*b = buffer{}
	return columns
}

// span is the points [start, end) of one column.
type span struct {
	column     *column
	start, end int
}

// planBatches slices columns into batches of at most maxPoints points, each metric at most once
// per batch, in column order. Every point is in exactly one batch.
func planBatches(columns []*column, maxPoints int) [][]span {
	var batches [][]span
	var current []span
	room := maxPoints
	for _, c := range columns {
		for start, length := 0, c.len(); start < length; {
			take := min(room, length-start)
			current = append(current, span{c, start, start + take})
			start += take
			room -= take
			if room == 0 {
				batches = append(batches, current)
				current, room = nil, maxPoints
			}
		}
	}
	if len(current) > 0 {
		batches = append(batches, current)
	}
	return batches
}

// batch is a numbered batch of the stream, kept (with its request) until acknowledged.
type batch struct {
	sequence int64
	points   int
	request  *exprunv1.StreamTimeSeriesRequest
	sent     bool
}

// newBatch is the request of one planned batch. The series share the columns' arrays (nothing is
// copied): once cut, columns are never appended to again.
func newBatch(sequence int64, spans []span) *batch {
	series := make([]*exprunv1.TimeSeries, len(spans))
	points := 0
	for i, s := range spans {
		series[i] = &exprunv1.TimeSeries{
			Metric:         s.column.metric,
			Steps:          s.column.steps[s.start:s.end:s.end],
			Values:         s.column.values[s.start:s.end:s.end],
			WallTimeMicros: s.column.walls[s.start:s.end:s.end],
		}
		points += s.end - s.start
	}
	return &batch{
		sequence: sequence,
		points:   points,
		request: &exprunv1.StreamTimeSeriesRequest{Kind: &exprunv1.StreamTimeSeriesRequest_Batch{
			Batch: &exprunv1.SequencedBatch{Sequence: sequence, Batch: &exprunv1.TimeSeriesBatch{Series: series}},
		}},
	}
}

// window numbers batches and keeps them until the server's cumulative ack covers them.
// Sequences are strictly increasing and contiguous: unacked[i].sequence == unacked[0].sequence+i.
type window struct {
	unacked       []*batch
	unackedPoints int
	// nextSequence is 0 until the first opened tells what the writer ID committed before.
	nextSequence int64
	lastAssigned int64
	committed    int64
	ackedPoints  int64
	resent       int64
}

// numbered reports whether the first opened has arrived (batches can be numbered).
func (w *window) numbered() bool { return w.nextSequence != 0 }

// add numbers the batches of a cut and keeps them.
func (w *window) add(plan [][]span) {
	for _, spans := range plan {
		b := newBatch(w.nextSequence, spans)
		w.unacked = append(w.unacked, b)
		w.unackedPoints += b.points
		w.lastAssigned = w.nextSequence
		w.nextSequence++
	}
}

// opened applies a stream's opened{committed_sequence}: the first one sets where numbering
// starts; a later one releases what the server committed and says where to resend from.
// A committed sequence beyond what this writer numbered means another writer uses the ID.
func (w *window) opened(committed int64, writerID string) (released int, err error) {
	switch {
	case !w.numbered():
		w.nextSequence = committed + 1
	case committed >= w.nextSequence:
		return 0, clientError(codes.FailedPrecondition, ReasonWriterIDInUse,
			"writer "+writerID+" has a sequence committed beyond the ones this writer numbered: another writer uses this ID",
			map[string]string{"writer_id": writerID})
	}
	return w.acknowledge(committed), nil
}

// acknowledge releases every batch up to committed and returns how many points it released.
func (w *window) acknowledge(committed int64) int {
	released, n := 0, 0
	for n < len(w.unacked) && w.unacked[n].sequence <= committed {
		released += w.unacked[n].points
		w.unacked[n] = nil
		n++
	}
	if n > 0 {
		w.unacked = w.unacked[n:]
		if len(w.unacked) == 0 {
			w.unacked = nil // let the backing array go
		}
	}
	w.unackedPoints -= released
	w.ackedPoints += int64(released)
	if committed > w.committed {
		w.committed = committed
	}
	return released
}

// inFlight is how many batches a stream that sent up to lastSent has unacknowledged.
func (w *window) inFlight(lastSent int64) int64 { return lastSent - w.committed }

// next is the batch to send after lastSent, or nil when every kept batch is sent.
func (w *window) next(lastSent int64) *batch {
	if len(w.unacked) == 0 || w.unacked[len(w.unacked)-1].sequence <= lastSent {
		return nil
	}
	index := max(0, lastSent+1-w.unacked[0].sequence)
	b := w.unacked[index]
	if b.sent {
		w.resent++
	}
	b.sent = true
	return b
}

// allSent reports whether a stream that sent up to lastSent has sent every kept batch.
func (w *window) allSent(lastSent int64) bool {
	return len(w.unacked) == 0 || w.unacked[len(w.unacked)-1].sequence <= lastSent
}
