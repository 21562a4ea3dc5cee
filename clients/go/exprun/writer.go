package exprun

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	mathrand "math/rand/v2"
	"os"
	"regexp"
	"sync"
	"time"

	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// TimeSeriesWriter streams a run's time series over StreamTimeSeries in acknowledged batches,
// with the behaviour of the Python client's TimeSeriesWriter:
//
//   - Log and LogColumns only append to per-metric column buffers and return.
//   - A background goroutine owns one stream. It cuts the buffer into batches when it holds
//     MaxBatchPoints points or its oldest point is MaxBatchDelay old, numbers them, sends at most
//     MaxUnackedBatches ahead of the server's cumulative ack, and keeps every batch until acked.
//   - When the stream fails with a transient status (UNAVAILABLE, ABORTED, DEADLINE_EXCEEDED,
//     RESOURCE_EXHAUSTED with a google.rpc.RetryInfo such as the server's STORAGE_FULL; a few
//     times in a row INTERNAL, UNKNOWN, CANCELLED, RESOURCE_EXHAUSTED without RetryInfo) it
//     reopens it with exponential backoff and jitter, never sooner than the RetryInfo delay,
//     learns the committed sequence from opened, releases what the server has and resends the
//     rest in order. It keeps retrying the always-transient ones until they clear or the writer
//     is closed (a Close whose ctx ends cancels and reports the points not written). A permanent
//     status (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, ...) stops the writer; the error,
//     with the count of points not written, is returned by the next Log, LogColumns, Flush or
//     Close.
//   - Memory is bounded: buffered plus unacknowledged points never exceed MaxBufferedPoints.
//     When full, Log blocks until acks free room (OnFullBlock) or fails with an error matching
//     ErrBufferFull (OnFullError). Points are released only when acknowledged: never dropped.
//
// All methods are safe for concurrent use. Close the writer when done: it flushes.
type TimeSeriesWriter struct {
	run         *Run
	id          string
	opts        WriterOptions
	openRequest *exprunv1.StreamTimeSeriesRequest

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change of the state below
	open    bool          // Log is accepted: false once closing or failed
	free    int           // MaxBufferedPoints - buffered - unacknowledged points
	buf     buffer
	// When the oldest buffered point was logged: the batch delay counts from it.
	firstBufferedAt time.Time
	logged          int64 // points accepted by Log and LogColumns
	swapped         int64 // points cut into numbered batches
	win             window
	cutNow          bool // cut the buffer even if it is not ripe (flush, close, a full buffer)
	conn            *connection
	closing         bool
	closed          bool
	aborted         bool
	err             error
	errReturned     bool
	reconnects      int64
	done            chan struct{} // closed when the stream goroutine ends
	// nextStep is the step LogNext takes: the last logged step + 1. Until stepKnown, it is
	// asked of the server once (the run's largest step + 1), under stepMu.
	nextStep  int64
	stepKnown bool
	stepMu    sync.Mutex
}

// connection is the state of one StreamTimeSeries call.
type connection struct {
	cancel   context.CancelFunc
	opened   bool  // opened arrived: batches may be sent
	done     bool  // the call ended: its sender stops
	forced   bool  // Reconnect dropped it
	lastSent int64 // the highest sequence sent on this call
}

// OnFull is what Log does when MaxBufferedPoints points are buffered or unacknowledged.
type OnFull int

const (
	// OnFullBlock waits until acknowledgements free room (or the context ends).
	OnFullBlock OnFull = iota
	// OnFullError fails at once with an error matching ErrBufferFull; nothing of the call is kept.
	OnFullError
)

// WriterOptions configure a TimeSeriesWriter. Zero fields take the defaults shown.
type WriterOptions struct {
	// WriterID names the writer to the server, which remembers the highest batch it committed for
	// it. Default: "{run}-{host}-{pid}-{random}", new for every writer. Pass a stable ID (a job's
	// ID) to make a restarted process continue the same writer. Two live writers must never
	// share an ID.
	WriterID string
	// MaxBatchPoints is the most points per batch (default 50,000; at most 100,000).
	MaxBatchPoints int
	// MaxBatchDelay is how long a point waits for its batch to fill (default 50ms).
	MaxBatchDelay time.Duration
	// MaxUnackedBatches is how many batches may be sent ahead of the ack (default 16).
	MaxUnackedBatches int
	// MaxBufferedPoints bounds buffered plus unacknowledged points (default 2,000,000).
	MaxBufferedPoints int
	// OnFull is what Log does when MaxBufferedPoints are pending (default OnFullBlock).
	OnFull OnFull
	// ReconnectBackoffMin and ReconnectBackoffMax bound the delay before reopening a failed
	// stream: min doubled per failure in a row, capped at max, times a jitter in [0.5, 1)
	// (defaults 50ms and 5s).
	ReconnectBackoffMin time.Duration
	ReconnectBackoffMax time.Duration
}

// WriterStats are a writer's counters.
type WriterStats struct {
	// PointsLogged were accepted by Log and LogColumns.
	PointsLogged int64
	// PointsAcked are acknowledged as durable.
	PointsAcked int64
	// PointsPending are buffered or sent and not yet acknowledged.
	PointsPending int64
	// CommittedSequence is the highest batch sequence the server acknowledged for the writer ID.
	CommittedSequence int64
	// Reconnects counts streams reopened after the first (failures and Reconnect calls).
	Reconnects int64
	// BatchesResent counts batches sent again on a reopened stream.
	BatchesResent int64
}

const (
	defaultMaxBatchPoints    = 50_000
	defaultMaxBatchDelay     = 50 * time.Millisecond
	defaultMaxUnackedBatches = 16
	defaultMaxBufferedPoints = 2_000_000
	defaultBackoffMin        = 50 * time.Millisecond
	defaultBackoffMax        = 5 * time.Second
	// Statuses of the "usually transient" kind are retried this many times in a row without
	// progress, then the writer stops: they could also be a bug that repeats forever.
	limitedRetries = 5
	// The longest a waiting sender sleeps without a notification (a safety net).
	maxIdleWait = time.Second
	// The longest a RetryInfo delay is honoured: a server's absurd delay must not park the writer.
	maxRetryInfoDelay = time.Minute
)

// Statuses after which the stream is reopened. UNAVAILABLE is what a refused or torn connection
// and a draining server give; ABORTED and DEADLINE_EXCEEDED are transient by definition.
var retryAlways = map[codes.Code]bool{codes.Unavailable: true, codes.Aborted: true, codes.DeadlineExceeded: true}

// Statuses that are usually transient (a proxy resetting a stream shows as INTERNAL or
// UNKNOWN) but are retried only limitedRetries times in a row.
var retryLimited = map[codes.Code]bool{codes.Internal: true, codes.Unknown: true, codes.ResourceExhausted: true, codes.Canceled: true}

// withDefaults fills zero fields and checks the rest.
func (o WriterOptions) withDefaults() (WriterOptions, error) {
	if o.MaxBatchPoints == 0 {
		o.MaxBatchPoints = defaultMaxBatchPoints
	}
	if o.MaxBatchDelay == 0 {
		o.MaxBatchDelay = defaultMaxBatchDelay
	}
	if o.MaxUnackedBatches == 0 {
		o.MaxUnackedBatches = defaultMaxUnackedBatches
	}
	if o.MaxBufferedPoints == 0 {
		o.MaxBufferedPoints = max(defaultMaxBufferedPoints, o.MaxBatchPoints)
	}
	if o.ReconnectBackoffMin == 0 {
		o.ReconnectBackoffMin = defaultBackoffMin
	}
	if o.ReconnectBackoffMax == 0 {
		o.ReconnectBackoffMax = max(defaultBackoffMax, o.ReconnectBackoffMin)
	}
	switch {
	case o.MaxBatchPoints < 1 || o.MaxBatchPoints > MaxStreamBatchPoints:
		return o, fmt.Errorf("exprun: MaxBatchPoints must be between 1 and %d", MaxStreamBatchPoints)
	case o.MaxBatchDelay < 0:
		return o, errors.New("exprun: MaxBatchDelay must be >= 0")
	case o.MaxUnackedBatches < 1:
		return o, errors.New("exprun: MaxUnackedBatches must be >= 1")
	case o.MaxBufferedPoints < o.MaxBatchPoints:
		return o, errors.New("exprun: MaxBufferedPoints must be >= MaxBatchPoints")
	case o.OnFull != OnFullBlock && o.OnFull != OnFullError:
		return o, errors.New("exprun: OnFull must be OnFullBlock or OnFullError")
	case o.ReconnectBackoffMin < 0 || o.ReconnectBackoffMax < o.ReconnectBackoffMin:
		return o, errors.New("exprun: the reconnect backoff must have 0 < min <= max")
	case len(o.WriterID) > 128:
		return o, errors.New("exprun: WriterID must be at most 128 characters")
	}
	return o, nil
}

// NewTimeSeriesWriter starts a writer on the run; its stream opens in the background.
func (r *Run) NewTimeSeriesWriter(opts WriterOptions) (*TimeSeriesWriter, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if opts.WriterID == "" {
		opts.WriterID = DefaultWriterID(r.name)
	}
	w := &TimeSeriesWriter{
		run:  r,
		id:   opts.WriterID,
		opts: opts,
		openRequest: &exprunv1.StreamTimeSeriesRequest{Kind: &exprunv1.StreamTimeSeriesRequest_Open{
			Open: &exprunv1.StreamOpen{Run: r.name, WriterId: opts.WriterID},
		}},
		changed: make(chan struct{}),
		open:    true,
		free:    opts.MaxBufferedPoints,
		done:    make(chan struct{}),
	}
	go w.runStreams()
	return w, nil
}

var unsafeWriterIDChars = regexp.MustCompile(`[^A-Za-z0-9.-]`)

// DefaultWriterID is "{run}-{host}-{pid}-{random}": unique per writer, readable in the server's
// writer table.
func DefaultWriterID(runName string) string {
	runID := segment(runName, "runs")
	if runID == "" {
		runID = "run"
	}
	host, _ := os.Hostname()
	host = unsafeWriterIDChars.ReplaceAllString(host, "-")
	if host == "" {
		host = "host"
	}
	random := make([]byte, 4)
	_, _ = rand.Read(random)
	id := fmt.Sprintf("%s-%s-%d-%s", truncate(runID, 60), truncate(host, 40), os.Getpid(), hex.EncodeToString(random))
	return truncate(id, 128)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// WriterID is the ID the server knows this writer by.
func (w *TimeSeriesWriter) WriterID() string { return w.id }

// Stats returns the writer's counters.
func (w *TimeSeriesWriter) Stats() WriterStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return WriterStats{
		PointsLogged:      w.logged,
		PointsAcked:       w.win.ackedPoints,
		PointsPending:     int64(w.buf.points + w.win.unackedPoints),
		CommittedSequence: w.win.committed,
		Reconnects:        w.reconnects,
		BatchesResent:     w.win.resent,
	}
}

// ---- producer side -------------------------------------------------------------------------

// Log buffers one point per metric at step, with the current wall time, and returns at once.
// It blocks only when MaxBufferedPoints are pending and OnFull is OnFullBlock; then ctx bounds
// the wait. Values must be finite: a NaN or an infinity is refused (an error matching
// ErrInvalidArgument naming the metric) and nothing of the row is kept or sent.
func (w *TimeSeriesWriter) Log(ctx context.Context, step int64, metrics map[string]float64) error {
	return w.LogAt(ctx, step, time.Now(), metrics)
}

// LogNext is Log at the default step, as the Python writer's log(metrics) without a step: this
// writer's last logged step + 1 (Log, LogAt, LogColumns and LogNext all count); before the
// writer has logged anything, the run's largest step + 1, asked of the server once (1 for an
// empty run). That one read is the only call LogNext makes on the caller's goroutine.
func (w *TimeSeriesWriter) LogNext(ctx context.Context, metrics map[string]float64) error {
	for metric, value := range metrics {
		if err := checkPoint(metric, value, rowField); err != nil {
			return err
		}
	}
	if err := w.startDefaultSteps(ctx); err != nil {
		return err
	}
	w.stepMu.Lock()
	defer w.stepMu.Unlock()
	w.mu.Lock()
	step := w.nextStep
	w.mu.Unlock()
	return w.LogAt(ctx, step, time.Now(), metrics)
}

// startDefaultSteps reads the run's largest step once, before the writer's first default step.
func (w *TimeSeriesWriter) startDefaultSteps(ctx context.Context) error {
	w.mu.Lock()
	known := w.stepKnown
	w.mu.Unlock()
	if known {
		return nil
	}
	w.stepMu.Lock()
	defer w.stepMu.Unlock()
	w.mu.Lock()
	known = w.stepKnown
	w.mu.Unlock()
	if known {
		return nil
	}
	largest := int64(0)
	for piece, err := range w.run.ReadTimeSeries(ctx, ReadOptions{MaxPoints: 1}) {
		if err != nil {
			return err
		}
		for _, step := range piece.Steps {
			largest = max(largest, step)
		}
	}
	w.mu.Lock()
	if !w.stepKnown {
		w.nextStep, w.stepKnown = largest+1, true
	}
	w.mu.Unlock()
	return nil
}

// LogAt is Log with the points' wall time.
func (w *TimeSeriesWriter) LogAt(ctx context.Context, step int64, wallTime time.Time, metrics map[string]float64) error {
	if step < 0 {
		return invalidPoint(fmt.Sprintf("step must be >= 0, not %d", step)).withField("step", "must be >= 0")
	}
	for metric, value := range metrics {
		if err := checkPoint(metric, value, rowField); err != nil {
			return err
		}
	}
	count := len(metrics)
	if count == 0 {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if count > w.opts.MaxBufferedPoints {
		return invalidPoint(fmt.Sprintf("%d metrics in one row exceed MaxBufferedPoints", count))
	}
	if !w.open || count > w.free {
		if err := w.makeRoom(ctx, count); err != nil {
			return err
		}
	}
	before := w.buf.points
	w.buf.appendRow(step, wallTime.UnixMicro(), metrics)
	w.nextStep, w.stepKnown = step+1, true
	w.admitted(before, count)
	return nil
}

// Columns are aligned columns of points: row i is {metric: Values[metric][i]} at Steps[i].
type Columns struct {
	Steps  []int64
	Values map[string][]float64
	// WallTimeMicros is one wall time per row (microseconds since the Unix epoch), or one for
	// every row, or empty for now.
	WallTimeMicros []int64
}

// LogColumns buffers aligned columns, the fast path (the slices are copied; the caller may
// reuse them). A call larger than the free room is admitted in slices as acks free room, or
// refused whole with OnFullError.
func (w *TimeSeriesWriter) LogColumns(ctx context.Context, columns Columns) error {
	if len(columns.Values) == 0 {
		return invalidPoint("Columns.Values must hold at least one metric")
	}
	rows := len(columns.Steps)
	for metric, data := range columns.Values {
		if len(data) != rows {
			return invalidPoint(fmt.Sprintf("Values[%q] has %d values but Steps has %d", metric, len(data), rows))
		}
		if metric == "" {
			return checkPoint(metric, 0, columnField)
		}
		for _, value := range data {
			if math.IsNaN(value) || math.IsInf(value, 0) {
				return nonFinite(columnField(metric), metric, value)
			}
		}
	}
	for i, step := range columns.Steps {
		if step < 0 {
			return invalidPoint(fmt.Sprintf("step must be >= 0, not %d", step)).withField(fmt.Sprintf("Steps[%d]", i), "must be >= 0")
		}
	}
	walls := columns.WallTimeMicros
	switch len(walls) {
	case rows:
	case 0, 1:
		now := time.Now().UnixMicro()
		if len(walls) == 1 {
			now = walls[0]
		}
		walls = make([]int64, rows)
		for i := range walls {
			walls[i] = now
		}
	default:
		return invalidPoint(fmt.Sprintf("WallTimeMicros has %d entries but Steps has %d", len(walls), rows))
	}
	width := len(columns.Values)
	if width > w.opts.MaxBufferedPoints {
		return invalidPoint(fmt.Sprintf("%d metrics in one row exceed MaxBufferedPoints", width))
	}
	if rows == 0 {
		return nil
	}
	total := rows * width
	w.mu.Lock()
	if !w.open {
		defer w.mu.Unlock()
		return w.unusable()
	}
	if total <= w.free {
		defer w.mu.Unlock()
		before := w.buf.points
		w.buf.appendRows(columns.Steps, walls, columns.Values, 0, rows)
		w.nextStep, w.stepKnown = columns.Steps[rows-1]+1, true
		w.admitted(before, total)
		return nil
	}
	if w.opts.OnFull == OnFullError {
		defer w.mu.Unlock()
		return w.bufferFull(total)
	}
	w.mu.Unlock()
	// Too big for the free room: admit slices of at most one batch as acks free room.
	chunk := max(1, w.opts.MaxBatchPoints/width)
	for start := 0; start < rows; start += chunk {
		end := min(rows, start+chunk)
		if err := w.admitRows(ctx, columns, walls, start, end); err != nil {
			return err
		}
	}
	return nil
}

func (w *TimeSeriesWriter) admitRows(ctx context.Context, columns Columns, walls []int64, start, end int) error {
	count := (end - start) * len(columns.Values)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.makeRoom(ctx, count); err != nil {
		return err
	}
	before := w.buf.points
	w.buf.appendRows(columns.Steps, walls, columns.Values, start, end)
	w.nextStep, w.stepKnown = columns.Steps[end-1]+1, true
	w.admitted(before, count)
	return nil
}

// checkPoint refuses an empty metric name and a value that is not finite; field names where
// the metric sits in the caller's arguments.
func checkPoint(metric string, value float64, field func(string) string) error {
	if metric == "" {
		return invalidPoint("metric names must not be empty").withField(field(metric), "must not be empty")
	}
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return nonFinite(field(metric), metric, value)
	}
	return nil
}

// rowField and columnField name a metric's value in Log's map and in LogColumns' Values.
func rowField(metric string) string    { return "metrics['" + metric + "']" }
func columnField(metric string) string { return "Values['" + metric + "']" }

func invalidPoint(message string) *Error {
	return clientError(codes.InvalidArgument, ReasonInvalidValue, message, nil)
}

// admitted counts count points just appended to a buffer of before points (lock held), and
// wakes the sender when a batch starts (its delay runs from now) or fills.
func (w *TimeSeriesWriter) admitted(before, count int) {
	w.logged += int64(count)
	w.free -= count
	if before == 0 {
		w.firstBufferedAt = time.Now()
		w.notify()
	} else if before < w.opts.MaxBatchPoints && w.opts.MaxBatchPoints <= before+count {
		w.notify()
	}
}

// makeRoom waits (lock held) until count more points fit, or fails: the writer is unusable, the
// policy is OnFullError, or ctx ended.
func (w *TimeSeriesWriter) makeRoom(ctx context.Context, count int) error {
	for {
		if !w.open {
			return w.unusable()
		}
		if count <= w.free {
			return nil
		}
		if w.opts.OnFull == OnFullError {
			return w.bufferFull(count)
		}
		// A full buffer is ripe: make the sender cut it even if it is below one batch.
		w.cutNow = true
		w.notify()
		if err := w.waitLocked(ctx); err != nil {
			return fmt.Errorf("exprun: TimeSeriesWriter waiting for room for %d points: %w", count, err)
		}
	}
}

func (w *TimeSeriesWriter) bufferFull(count int) error {
	pending := w.opts.MaxBufferedPoints - w.free
	return clientError(codes.ResourceExhausted, ReasonWriterBufferFull,
		fmt.Sprintf("%d points are buffered or unacknowledged; %d more would exceed MaxBufferedPoints=%d", pending, count, w.opts.MaxBufferedPoints),
		map[string]string{"pending_points": fmt.Sprint(pending), "max_buffered_points": fmt.Sprint(w.opts.MaxBufferedPoints)})
}

func (w *TimeSeriesWriter) unusable() error {
	if w.err != nil {
		return w.err
	}
	return clientError(codes.FailedPrecondition, ReasonWriterClosed, "the TimeSeriesWriter is closed", nil)
}

// notify wakes every waiter (lock held).
func (w *TimeSeriesWriter) notify() {
	close(w.changed)
	w.changed = make(chan struct{})
}

// waitLocked releases the lock until the next notify or the end of ctx, then retakes it.
func (w *TimeSeriesWriter) waitLocked(ctx context.Context) error {
	changed := w.changed
	w.mu.Unlock()
	defer w.mu.Lock()
	select {
	case <-changed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ---- flush and close ---------------------------------------------------------------------------

// Flush waits until every point logged before the call is acknowledged as durable. It returns the
// writer's error if it stopped, or ctx's error if ctx ends first (the points stay pending and
// are still sent).
func (w *TimeSeriesWriter) Flush(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	target := w.logged
	if w.swapped < target {
		w.cutNow = true
		w.notify()
	}
	if err := w.waitFor(ctx, func() bool { return w.swapped >= target }); err != nil {
		return err
	}
	sequence := w.win.lastAssigned
	return w.waitFor(ctx, func() bool { return w.win.committed >= sequence })
}

func (w *TimeSeriesWriter) waitFor(ctx context.Context, done func() bool) error {
	for !done() {
		if w.err != nil {
			return w.err
		}
		if w.aborted {
			return clientError(codes.FailedPrecondition, ReasonWriterClosed, "the TimeSeriesWriter was aborted", nil)
		}
		if err := w.waitLocked(ctx); err != nil {
			return fmt.Errorf("exprun: TimeSeriesWriter: %d points not acknowledged yet (they stay pending): %w",
				w.buf.points+w.win.unackedPoints, err)
		}
	}
	return nil
}

// Close flushes, half-closes the stream and stops the writer's goroutine. It returns the
// writer's error if it stopped (once). If ctx ends first, the stream is cancelled and the error
// counts the points that were not acknowledged: this writer did not write them. Later calls
// return nil.
func (w *TimeSeriesWriter) Close(ctx context.Context) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closing = true
	w.open = false
	w.cutNow = true
	w.notify()
	w.mu.Unlock()

	select {
	case <-w.done:
	case <-ctx.Done():
		w.mu.Lock()
		alreadyClosed := w.closed
		w.aborted, w.closed = true, true
		pending := w.buf.points + w.win.unackedPoints
		conn := w.conn
		w.notify()
		w.mu.Unlock()
		if conn != nil {
			conn.cancel()
		}
		<-w.done
		if alreadyClosed {
			return nil
		}
		return fmt.Errorf("exprun: TimeSeriesWriter %q closed with %d points not acknowledged in time; they were not written: %w", w.id, pending, ctx.Err())
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	if w.err != nil && !w.errReturned {
		w.errReturned = true
		return w.err
	}
	return nil
}

// Reconnect drops the current stream as a torn connection would: the writer reopens at once,
// learns the committed sequence from opened and resends every batch not acknowledged.
func (w *TimeSeriesWriter) Reconnect() {
	w.mu.Lock()
	conn := w.conn
	drop := conn != nil && !conn.done && !w.closed
	if drop {
		conn.forced = true
	}
	w.mu.Unlock()
	if drop {
		conn.cancel()
	}
}

// fail stops the writer (lock held). Points still pending are counted in the error, not dropped
// silently.
func (w *TimeSeriesWriter) fail(err error) {
	if w.err == nil {
		w.err = fmt.Errorf("exprun: TimeSeriesWriter %q stopped; %d points logged to it were not acknowledged and are not written (%d were): %w",
			w.id, w.buf.points+w.win.unackedPoints, w.win.ackedPoints, err)
	}
	w.open = false
	w.notify()
}

// finished: closing and everything acknowledged (lock held).
func (w *TimeSeriesWriter) finished() bool {
	return w.closing && w.buf.points == 0 && len(w.win.unacked) == 0
}

// ---- the stream goroutine ----------------------------------------------------------------------

// runStreams opens streams until the writer is closed and drained, aborted or failed.
func (w *TimeSeriesWriter) runStreams() {
	defer close(w.done)
	failures := 0
	for first := true; ; first = false {
		w.mu.Lock()
		if w.err != nil || w.aborted || w.finished() {
			w.mu.Unlock()
			return
		}
		if !first {
			w.reconnects++
		}
		ctx, cancel := context.WithCancel(context.Background())
		conn := &connection{cancel: cancel}
		w.conn = conn
		w.mu.Unlock()

		trailer, progressed, err := w.stream(ctx, conn)
		cancel()

		w.mu.Lock()
		stop := w.err != nil || w.aborted || (err == nil && w.finished())
		forced := conn.forced
		w.mu.Unlock()
		if stop {
			return
		}
		if forced {
			failures = 0
			continue
		}
		if progressed {
			failures = 0
		} else {
			failures++
		}
		var notBefore time.Duration
		if err != nil {
			c, failure := status.Code(err), fromCall(err, trailer)
			retryInfoDelay, retryLater := retryLaterDelay(failure)
			if !retryAlways[c] && !retryLater && (!retryLimited[c] || failures > limitedRetries) {
				w.mu.Lock()
				w.fail(failure)
				w.mu.Unlock()
				return
			}
			notBefore = retryInfoDelay
		}
		w.sleepBackoff(failures, notBefore)
	}
}

// retryLaterDelay: err is RESOURCE_EXHAUSTED with a RetryInfo (STORAGE_FULL, SERVER_OVERLOADED,
// TOO_MANY_STREAMS: the server refuses for now and says when to come back), and its delay. Without
// RetryInfo RESOURCE_EXHAUSTED is a request that cannot succeed (a message too large).
func retryLaterDelay(err error) (time.Duration, bool) {
	var e *Error
	if !errors.As(err, &e) || e.Code != codes.ResourceExhausted {
		return 0, false
	}
	delay, ok := e.RetryDelay()
	return min(delay, maxRetryInfoDelay), ok
}

// stream runs one StreamTimeSeries call: a goroutine sends, this one receives. It returns the
// call's trailer, whether the server made progress, and the call's error (nil for a clean end).
func (w *TimeSeriesWriter) stream(ctx context.Context, conn *connection) (metadata.MD, bool, error) {
	call, err := w.run.client.stub.StreamTimeSeries(ctx)
	if err != nil {
		return nil, false, err
	}
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		w.send(call, conn)
	}()
	progressed := false
	var recvErr error
	for {
		response, err := call.Recv()
		if err != nil {
			recvErr = err
			break
		}
		made, failed := w.onResponse(conn, response)
		progressed = progressed || made
		if failed {
			break
		}
	}
	w.mu.Lock()
	conn.done = true
	w.notify()
	w.mu.Unlock()
	conn.cancel()
	<-sent
	if recvErr == nil || errors.Is(recvErr, io.EOF) {
		return nil, progressed, nil
	}
	return call.Trailer(), progressed, recvErr
}

// send sends open, then batches in sequence order as the window allows; it half-closes the
// stream when the writer is closing and everything is sent.
func (w *TimeSeriesWriter) send(call exprunv1.ExperimentRunService_StreamTimeSeriesClient, conn *connection) {
	if call.Send(w.openRequest) != nil {
		return // the receiver sees why
	}
	for {
		b, halfClose := w.nextToSend(conn)
		if b == nil {
			if halfClose {
				_ = call.CloseSend()
			}
			return
		}
		if call.Send(b.request) != nil {
			return
		}
	}
}

// nextToSend is the next batch to send on conn, cutting the buffer when it is ripe. It waits for
// opened, for window room and for a ripe buffer. nil means stop sending; halfClose, that the
// writer is closing and conn has sent everything.
func (w *TimeSeriesWriter) nextToSend(conn *connection) (next *batch, halfClose bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	timer := time.NewTimer(maxIdleWait)
	defer timer.Stop()
	for {
		if conn.done || w.aborted || w.err != nil {
			return nil, false
		}
		room := false
		if conn.opened {
			room = w.win.inFlight(conn.lastSent) < int64(w.opts.MaxUnackedBatches)
			if room {
				if b := w.win.next(conn.lastSent); b != nil {
					conn.lastSent = b.sequence
					return b, false
				}
				if w.buf.points > 0 && w.ripe() {
					w.cut()
					continue
				}
			}
			if w.closing && w.buf.points == 0 && w.win.allSent(conn.lastSent) {
				return nil, true
			}
		}
		wait := maxIdleWait
		if room && w.buf.points > 0 {
			wait = max(time.Until(w.firstBufferedAt.Add(w.opts.MaxBatchDelay)), time.Millisecond)
		}
		timer.Reset(wait) // Go >= 1.23 timers: no stale tick survives Reset
		changed := w.changed
		w.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
		}
		w.mu.Lock()
	}
}

// ripe: the buffer should be cut now (lock held).
func (w *TimeSeriesWriter) ripe() bool {
	return w.cutNow || w.closing || w.buf.points >= w.opts.MaxBatchPoints ||
		!time.Now().Before(w.firstBufferedAt.Add(w.opts.MaxBatchDelay))
}

// cut moves the whole buffer into numbered batches of at most MaxBatchPoints (lock held).
func (w *TimeSeriesWriter) cut() {
	points := w.buf.points
	w.win.add(planBatches(w.buf.take(), w.opts.MaxBatchPoints))
	w.cutNow = false
	w.swapped += int64(points)
	w.notify()
}

// onResponse applies opened or an ack. made: the server made progress; failed: the writer stopped.
func (w *TimeSeriesWriter) onResponse(conn *connection, response *exprunv1.StreamTimeSeriesResponse) (made, failed bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch kind := response.GetKind().(type) {
	case *exprunv1.StreamTimeSeriesResponse_Opened:
		released, err := w.win.opened(kind.Opened.GetCommittedSequence(), w.id)
		if err != nil {
			w.fail(err)
			return false, true
		}
		w.free += released
		conn.opened = true
		conn.lastSent = w.win.committed
		w.notify()
		return len(w.win.unacked) == 0, false
	case *exprunv1.StreamTimeSeriesResponse_Ack:
		before := w.win.committed
		released := w.win.acknowledge(kind.Ack.GetCommittedSequence())
		w.free += released
		if released > 0 || w.win.committed != before {
			w.notify()
		}
		return w.win.committed > before, false
	}
	return false, false
}

// sleepBackoff waits before reopening: min(max, min*2^failures) times a jitter in [0.5, 1), or
// notBefore (the server's RetryInfo delay) plus up to a quarter more if that is longer; cut short
// when the writer has nothing left to do.
func (w *TimeSeriesWriter) sleepBackoff(failures int, notBefore time.Duration) {
	low, high := w.opts.ReconnectBackoffMin, w.opts.ReconnectBackoffMax
	delay := backoffDelay(low, high, failures, mathrand.Float64())
	// The jitter keeps writers refused together from all coming back at the same instant.
	delay = max(delay, notBefore+time.Duration(float64(notBefore)*mathrand.Float64()/4))
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for {
		w.mu.Lock()
		if w.aborted || w.err != nil || w.finished() {
			w.mu.Unlock()
			return
		}
		changed := w.changed
		w.mu.Unlock()
		select {
		case <-timer.C:
			return
		case <-changed:
		}
	}
}

// backoffDelay is min(high, low*2^failures) scaled by 0.5+jitter/2, jitter in [0, 1).
func backoffDelay(low, high time.Duration, failures int, jitter float64) time.Duration {
	delay := float64(low) * math.Pow(2, float64(min(failures, 30)))
	delay = min(delay, float64(high))
	return time.Duration(delay * (0.5 + jitter/2))
}
