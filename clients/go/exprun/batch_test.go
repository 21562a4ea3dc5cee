package exprun

import (
	"errors"
	"testing"
	"time"
)

func columnOf(metric string, n int) *column {
	c := &column{metric: metric}
	for i := range n {
		c.steps = append(c.steps, int64(i+1))
		c.values = append(c.values, float64(i))
		c.walls = append(c.walls, 7)
	}
	return c
}

func TestPlanBatchesCutsBySizeKeepingEveryPointOnce(t *testing.T) {
	columns := []*column{columnOf("loss", 25), columnOf("acc", 25), columnOf("lr", 3)}
	plan := planBatches(columns, 10)
	sizes := []int{}
	seen := map[string]int{}
	for _, spans := range plan {
		size := 0
		metrics := map[string]bool{}
		for _, s := range spans {
			if metrics[s.column.metric] {
				t.Fatalf("metric %s twice in one batch", s.column.metric)
			}
			metrics[s.column.metric] = true
			if s.start != seen[s.column.metric] {
				t.Fatalf("%s continues at %d, not %d", s.column.metric, s.start, seen[s.column.metric])
			}
			seen[s.column.metric] = s.end
			size += s.end - s.start
		}
		sizes = append(sizes, size)
	}
	want := []int{10, 10, 10, 10, 10, 3}
	if len(sizes) != len(want) {
		t.Fatalf("batch sizes %v, want %v", sizes, want)
	}
	for i := range want {
		if sizes[i] != want[i] {
			t.Fatalf("batch sizes %v, want %v", sizes, want)
		}
	}
	if seen["loss"] != 25 || seen["acc"] != 25 || seen["lr"] != 3 {
		t.Fatalf("covered %v", seen)
	}
}

func TestPlanBatchesOfAnExactMultipleAndOfNothing(t *testing.T) {
	if plan := planBatches([]*column{columnOf("a", 20)}, 10); len(plan) != 2 {
		t.Fatalf("%d batches for 20 points by 10", len(plan))
	}
	if plan := planBatches(nil, 10); len(plan) != 0 {
		t.Fatalf("%d batches for no points", len(plan))
	}
}

func TestBufferAppendsRowsAndColumnsAndTakesThemAll(t *testing.T) {
	var b buffer
	b.appendRow(1, 100, map[string]float64{"loss": 0.5, "acc": 0.1})
	b.appendRows([]int64{2, 3, 4}, []int64{200, 300, 400},
		map[string][]float64{"loss": {0.4, 0.3, 0.2}, "acc": {0.2, 0.3, 0.4}}, 1, 3)
	if b.points != 6 {
		t.Fatalf("points %d", b.points)
	}
	loss := b.index["loss"]
	if len(loss.steps) != 3 || loss.steps[1] != 3 || loss.values[2] != 0.2 || loss.walls[2] != 400 {
		t.Fatalf("loss column %+v", loss)
	}
	columns := b.take()
	if len(columns) != 2 || b.points != 0 || len(b.columns) != 0 {
		t.Fatalf("take left %+v and gave %d columns", b, len(columns))
	}
}

func TestNewBatchSharesTheColumnsAndCarriesTheSequence(t *testing.T) {
	c := columnOf("loss", 10)
	b := newBatch(7, []span{{c, 2, 5}})
	got := b.request.GetBatch()
	if got.GetSequence() != 7 || b.points != 3 {
		t.Fatalf("sequence %d points %d", got.GetSequence(), b.points)
	}
	series := got.GetBatch().GetSeries()[0]
	if series.GetMetric() != "loss" || len(series.GetSteps()) != 3 || series.GetSteps()[0] != 3 || series.GetValues()[2] != 4 {
		t.Fatalf("series %v", series)
	}
	if &series.Values[0] != &c.values[2] {
		t.Fatal("the batch copied the column")
	}
}

// cutOf plans n batches of one point each.
func cutOf(n int) [][]span {
	return planBatches([]*column{columnOf("m", n)}, 1)
}

func TestWindowNumbersAfterTheCommittedSequenceOfTheFirstOpen(t *testing.T) {
	var w window
	if w.numbered() {
		t.Fatal("numbered before opened")
	}
	if _, err := w.opened(41, "w"); err != nil {
		t.Fatal(err)
	}
	w.add(cutOf(3))
	if w.unacked[0].sequence != 42 || w.lastAssigned != 44 || w.unackedPoints != 3 || w.committed != 41 {
		t.Fatalf("window %+v", w)
	}
}

func TestWindowAcksCumulativelyAndCountsInFlight(t *testing.T) {
	var w window
	_, _ = w.opened(0, "w")
	w.add(cutOf(5)) // sequences 1..5
	lastSent := int64(0)
	for range 3 {
		b := w.next(lastSent)
		lastSent = b.sequence
	}
	if w.inFlight(lastSent) != 3 {
		t.Fatalf("in flight %d", w.inFlight(lastSent))
	}
	if released := w.acknowledge(2); released != 2 || w.committed != 2 || len(w.unacked) != 3 {
		t.Fatalf("released %d, window %+v", released, w)
	}
	if w.inFlight(lastSent) != 1 || w.ackedPoints != 2 || w.unackedPoints != 3 {
		t.Fatalf("after ack 2: %+v", w)
	}
	// A stale or repeated ack changes nothing.
	if released := w.acknowledge(1); released != 0 || w.committed != 2 {
		t.Fatalf("stale ack released %d", released)
	}
	if w.next(lastSent).sequence != 4 || w.next(4).sequence != 5 || w.next(5) != nil || !w.allSent(5) {
		t.Fatal("next does not walk the unsent batches in order")
	}
}

func TestWindowResendsFromTheCommittedSequenceAfterAReopen(t *testing.T) {
	var w window
	_, _ = w.opened(0, "w")
	w.add(cutOf(6))
	for seq := int64(0); seq < 6; seq++ {
		w.next(seq)
	}
	w.acknowledge(1)
	// The stream broke; the server had committed up to 3 by then.
	released, err := w.opened(3, "w")
	if err != nil || released != 2 || w.committed != 3 {
		t.Fatalf("reopen released %d (err %v), committed %d", released, err, w.committed)
	}
	lastSent := w.committed
	var resent []int64
	for b := w.next(lastSent); b != nil; b = w.next(lastSent) {
		resent = append(resent, b.sequence)
		lastSent = b.sequence
	}
	if len(resent) != 3 || resent[0] != 4 || resent[2] != 6 || w.resent != 3 {
		t.Fatalf("resent %v (counted %d)", resent, w.resent)
	}
}

func TestWindowRefusesAWriterIDCommittedBeyondItsNumbers(t *testing.T) {
	var w window
	_, _ = w.opened(0, "w")
	w.add(cutOf(2))
	_, err := w.opened(5, "w")
	var e *Error
	if !errors.As(err, &e) || e.Reason != ReasonWriterIDInUse || !errors.Is(err, ErrFailedPrecondition) {
		t.Fatalf("opened beyond the numbers gave %v", err)
	}
}

func TestBackoffDoublesUpToTheMaximumWithJitter(t *testing.T) {
	low, high := 50*time.Millisecond, 5*time.Second
	if d := backoffDelay(low, high, 0, 0); d != 25*time.Millisecond {
		t.Fatalf("first delay with no jitter %v", d)
	}
	if d := backoffDelay(low, high, 3, 0.999999); d < 399*time.Millisecond || d > 400*time.Millisecond {
		t.Fatalf("third delay with full jitter %v", d)
	}
	if d := backoffDelay(low, high, 100, 1); d != high {
		t.Fatalf("capped delay %v", d)
	}
}

func TestWriterOptionsDefaultsAndLimits(t *testing.T) {
	opts, err := WriterOptions{}.withDefaults()
	if err != nil || opts.MaxBatchPoints != 50_000 || opts.MaxBatchDelay != 50*time.Millisecond ||
		opts.MaxUnackedBatches != 16 || opts.MaxBufferedPoints != 2_000_000 || opts.OnFull != OnFullBlock {
		t.Fatalf("defaults %+v (%v)", opts, err)
	}
	for _, bad := range []WriterOptions{
		{MaxBatchPoints: MaxStreamBatchPoints + 1},
		{MaxBatchDelay: -time.Second},
		{MaxUnackedBatches: -1},
		{MaxBatchPoints: 1000, MaxBufferedPoints: 999},
		{OnFull: 7},
	} {
		if _, err := bad.withDefaults(); err == nil {
			t.Fatalf("%+v accepted", bad)
		}
	}
}
