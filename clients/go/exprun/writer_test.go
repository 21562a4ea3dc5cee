package exprun

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
)

// fakeServer is an in-process StreamTimeSeries with the server's contract: opened tells the
// writer's committed sequence, batches at or below it are acknowledged and not written again,
// acks are cumulative. Tests can hold acks back and break streams.
type fakeServer struct {
	exprunv1.UnimplementedExperimentRunServiceServer

	mu        sync.Mutex
	changed   chan struct{}
	committed map[string]int64
	points    map[string]map[int64]float64 // metric → step → value
	writes    int                          // points written (a resend not recognised counts again)
	received  []int64                      // sequences received, resends included
	sizes     []int                        // points per received batch
	opens     int
	auth      []string
	holdAcks  bool  // commit but do not acknowledge
	breakAt   int64 // fail the stream with UNAVAILABLE after receiving this sequence (once)
	reject    error // fail every stream with this status after opened
	refuse    error // fail a stream with this status on its next batch, not committing it
	refusals  int   // batches refused with refuse
}

func newFakeServer() *fakeServer {
	return &fakeServer{changed: make(chan struct{}), committed: map[string]int64{}, points: map[string]map[int64]float64{}}
}

func (f *fakeServer) notifyLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// set changes the fake's behaviour under its lock and wakes open streams.
func (f *fakeServer) set(change func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change()
	f.notifyLocked()
}

func (f *fakeServer) StreamTimeSeries(stream exprunv1.ExperimentRunService_StreamTimeSeriesServer) error {
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	open := first.GetOpen()
	if open == nil {
		return status.Error(codes.InvalidArgument, "the first message must be open")
	}
	writer := open.GetWriterId()
	md, _ := metadata.FromIncomingContext(stream.Context())
	f.mu.Lock()
	f.opens++
	f.auth = append(f.auth, md.Get("authorization")...)
	committed := f.committed[writer]
	reject := f.reject
	f.mu.Unlock()
	if err := stream.Send(&exprunv1.StreamTimeSeriesResponse{Kind: &exprunv1.StreamTimeSeriesResponse_Opened{
		Opened: &exprunv1.StreamOpened{CommittedSequence: committed},
	}}); err != nil {
		return err
	}
	if reject != nil {
		return reject
	}

	requests := make(chan *exprunv1.StreamTimeSeriesRequest)
	recvErr := make(chan error, 1)
	go func() {
		for {
			request, err := stream.Recv()
			if err != nil {
				recvErr <- err
				return
			}
			select {
			case requests <- request:
			case <-stream.Context().Done():
				return
			}
		}
	}()
	acked := committed
	for {
		f.mu.Lock()
		changed := f.changed
		if !f.holdAcks && f.committed[writer] > acked {
			acked = f.committed[writer]
			f.mu.Unlock()
			if err := stream.Send(&exprunv1.StreamTimeSeriesResponse{Kind: &exprunv1.StreamTimeSeriesResponse_Ack{
				Ack: &exprunv1.StreamAck{CommittedSequence: acked},
			}}); err != nil {
				return err
			}
			continue
		}
		f.mu.Unlock()
		select {
		case <-changed:
		case err := <-recvErr:
			if errors.Is(err, io.EOF) {
				f.mu.Lock()
				done := f.holdAcks || f.committed[writer] <= acked
				f.mu.Unlock()
				if done {
					return nil
				}
				recvErr <- err // ack what is committed first
				continue
			}
			return err
		case request := <-requests:
			b := request.GetBatch()
			if b == nil {
				return status.Error(codes.InvalidArgument, "a batch was expected")
			}
			f.mu.Lock()
			if refuse := f.refuse; refuse != nil {
				f.refusals++
				f.notifyLocked()
				f.mu.Unlock()
				return refuse
			}
			f.received = append(f.received, b.GetSequence())
			size := 0
			for _, s := range b.GetBatch().GetSeries() {
				size += len(s.GetValues())
			}
			f.sizes = append(f.sizes, size)
			if b.GetSequence() > f.committed[writer] {
				for _, s := range b.GetBatch().GetSeries() {
					m := f.points[s.GetMetric()]
					if m == nil {
						m = map[int64]float64{}
						f.points[s.GetMetric()] = m
					}
					for i, step := range s.GetSteps() {
						m[step] = s.GetValues()[i]
					}
					f.writes += len(s.GetValues())
				}
				f.committed[writer] = b.GetSequence()
			}
			breakNow := f.breakAt != 0 && b.GetSequence() == f.breakAt
			if breakNow {
				f.breakAt = 0
			}
			f.notifyLocked()
			f.mu.Unlock()
			if breakNow {
				return status.Error(codes.Unavailable, "the connection broke")
			}
		}
	}
}

func (f *fakeServer) LogMetrics(_ context.Context, request *exprunv1.LogMetricsRequest) (*exprunv1.Run, error) {
	st := status.New(codes.InvalidArgument, "metric values must be finite")
	st, err := st.WithDetails(
		&errdetails.ErrorInfo{Reason: "INVALID_ARGUMENT", Domain: "exprun.dev"},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "metrics['bad']", Description: "NaN"}}},
	)
	if err != nil {
		return nil, err
	}
	return nil, st.Err()
}

// serve serves a fake on an in-memory listener and returns a client of it (project p,
// experiment e).
func serve(t *testing.T, f exprunv1.ExperimentRunServiceServer, opts ...Option) *Client {
	t.Helper()
	listener := bufconn.Listen(1 << 20)
	server := grpc.NewServer()
	exprunv1.RegisterExperimentRunServiceServer(server, f)
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(server.Stop)
	opts = append([]Option{WithTarget("passthrough:///fake"), WithProject("p"), WithExperiment("e")}, opts...)
	opts = append(opts, WithDialOptions(
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return listener.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials())))
	client, err := NewClient(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// snapshot reads the fake's state under its lock.
func (f *fakeServer) snapshot(read func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	read()
}

// waitUntil polls cond under the fake's lock until it holds or the test's patience ends.
func (f *fakeServer) waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.mu.Lock()
		ok := cond()
		f.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// start serves the fake on an in-memory listener and returns a run handle on a client of it.
func start(t *testing.T, f exprunv1.ExperimentRunServiceServer, opts ...Option) *Run {
	t.Helper()
	client := serve(t, f, opts...)
	run, err := client.Run("r")
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func newWriter(t *testing.T, run *Run, opts WriterOptions) *TimeSeriesWriter {
	t.Helper()
	if opts.WriterID == "" {
		opts.WriterID = "test-writer"
	}
	if opts.ReconnectBackoffMin == 0 {
		opts.ReconnectBackoffMin, opts.ReconnectBackoffMax = time.Millisecond, 10*time.Millisecond
	}
	w, err := run.NewTimeSeriesWriter(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = w.Close(ctx)
	})
	return w
}

func columnsOf(first, n int) Columns {
	c := Columns{Values: map[string][]float64{"loss": nil, "acc": nil}}
	for step := first; step < first+n; step++ {
		c.Steps = append(c.Steps, int64(step))
		c.Values["loss"] = append(c.Values["loss"], 1/float64(step))
		c.Values["acc"] = append(c.Values["acc"], float64(step))
	}
	return c
}

func checkAllPoints(t *testing.T, f *fakeServer, n int) {
	t.Helper()
	f.snapshot(func() {
		for _, metric := range []string{"loss", "acc"} {
			if len(f.points[metric]) != n {
				t.Fatalf("%s has %d points, want %d", metric, len(f.points[metric]), n)
			}
			for step := int64(1); step <= int64(n); step++ {
				if f.points["acc"][step] != float64(step) || f.points["loss"][step] != 1/float64(step) {
					t.Fatalf("wrong value at step %d", step)
				}
			}
		}
	})
}

func TestWriterBatchesBySizeAndFlushWaitsForTheAck(t *testing.T) {
	f := newFakeServer()
	w := newWriter(t, start(t, f, WithToken("s3cret")), WriterOptions{MaxBatchPoints: 1000, MaxBatchDelay: time.Hour})
	ctx := context.Background()
	if err := w.LogColumns(ctx, columnsOf(1, 2500)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	stats := w.Stats()
	if stats.PointsAcked != 5000 || stats.PointsPending != 0 || stats.CommittedSequence != 5 {
		t.Fatalf("stats after flush %+v", stats)
	}
	f.snapshot(func() {
		for _, size := range f.sizes {
			if size > 1000 {
				t.Fatalf("a batch of %d points", size)
			}
		}
		if len(f.auth) == 0 || f.auth[0] != "Bearer s3cret" {
			t.Fatalf("authorization %v", f.auth)
		}
	})
	checkAllPoints(t, f, 2500)
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Log(ctx, 1, map[string]float64{"loss": 1}); !errors.Is(err, ErrFailedPrecondition) {
		t.Fatalf("Log after Close gave %v", err)
	}
}

func TestWriterSendsAPartialBatchAfterTheDelay(t *testing.T) {
	f := newFakeServer()
	w := newWriter(t, start(t, f), WriterOptions{MaxBatchDelay: 20 * time.Millisecond})
	if err := w.Log(context.Background(), 3, map[string]float64{"loss": 0.5}); err != nil {
		t.Fatal(err)
	}
	f.waitUntil(t, "the point to arrive without a flush", func() bool { return f.writes == 1 })
}

func TestWriterKeepsAtMostTheWindowUnacknowledged(t *testing.T) {
	f := newFakeServer()
	f.holdAcks = true
	w := newWriter(t, start(t, f), WriterOptions{MaxBatchPoints: 10, MaxUnackedBatches: 3, MaxBatchDelay: time.Millisecond})
	ctx := context.Background()
	if err := w.LogColumns(ctx, columnsOf(1, 50)); err != nil { // 100 points: 10 batches
		t.Fatal(err)
	}
	f.waitUntil(t, "a full window", func() bool { return len(f.received) >= 3 })
	time.Sleep(50 * time.Millisecond)
	f.snapshot(func() {
		if len(f.received) != 3 {
			t.Fatalf("%d batches sent with a window of 3 and no ack", len(f.received))
		}
	})
	if stats := w.Stats(); stats.PointsPending != 100 || stats.PointsAcked != 0 {
		t.Fatalf("stats with acks held %+v", stats)
	}
	f.set(func() { f.holdAcks = false })
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	checkAllPoints(t, f, 50)
}

func TestWriterResendsAfterABrokenStreamAndLosesNothing(t *testing.T) {
	f := newFakeServer()
	f.breakAt = 4
	w := newWriter(t, start(t, f), WriterOptions{MaxBatchPoints: 100, MaxUnackedBatches: 8})
	ctx := context.Background()
	for first := 1; first <= 5000; first += 500 {
		if err := w.LogColumns(ctx, columnsOf(first, 500)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	stats := w.Stats()
	if stats.Reconnects < 1 || stats.PointsAcked != 10_000 {
		t.Fatalf("stats %+v", stats)
	}
	checkAllPoints(t, f, 5000)
	f.snapshot(func() {
		if f.opens < 2 || f.writes != 10_000 {
			t.Fatalf("%d opens, %d points written", f.opens, f.writes)
		}
	})
}

func TestReconnectResendsWhatIsUnacknowledged(t *testing.T) {
	f := newFakeServer()
	w := newWriter(t, start(t, f), WriterOptions{MaxBatchPoints: 10, MaxBatchDelay: time.Millisecond})
	ctx := context.Background()
	if err := w.LogColumns(ctx, columnsOf(1, 25)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// Sent, committed by the server, not acknowledged: the reopened stream must learn that.
	f.set(func() { f.holdAcks = true })
	if err := w.LogColumns(ctx, columnsOf(26, 25)); err != nil {
		t.Fatal(err)
	}
	f.waitUntil(t, "the second half to be committed", func() bool { return f.committed["test-writer"] == 10 })
	if stats := w.Stats(); stats.PointsAcked != 50 {
		t.Fatalf("acked %d before the reconnect", stats.PointsAcked)
	}
	w.Reconnect() // acks are still held: only opened can tell the writer what is committed
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	stats := w.Stats()
	if stats.Reconnects != 1 || stats.PointsAcked != 100 || stats.CommittedSequence != 10 || stats.BatchesResent != 0 {
		t.Fatalf("stats %+v", stats)
	}
	checkAllPoints(t, f, 50)
	f.snapshot(func() {
		if f.writes != 100 {
			t.Fatalf("%d points written for 100 logged", f.writes)
		}
	})
}

func TestWriterNumbersAfterWhatItsIDCommittedBefore(t *testing.T) {
	f := newFakeServer()
	f.committed["test-writer"] = 41
	w := newWriter(t, start(t, f), WriterOptions{})
	ctx := context.Background()
	if err := w.Log(ctx, 1, map[string]float64{"loss": 1}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	f.snapshot(func() {
		if len(f.received) != 1 || f.received[0] != 42 {
			t.Fatalf("sequences %v", f.received)
		}
	})
}

func TestFullBufferFailsWithOnFullErrorAndBlocksWithOnFullBlock(t *testing.T) {
	f := newFakeServer()
	f.holdAcks = true
	run := start(t, f)
	ctx := context.Background()
	w := newWriter(t, run, WriterOptions{WriterID: "raise", MaxBatchPoints: 10, MaxBufferedPoints: 20, OnFull: OnFullError})
	if err := w.LogColumns(ctx, columnsOf(1, 10)); err != nil {
		t.Fatal(err)
	}
	err := w.Log(ctx, 11, map[string]float64{"loss": 1})
	if !errors.Is(err, ErrBufferFull) {
		t.Fatalf("a full buffer gave %v", err)
	}
	if stats := w.Stats(); stats.PointsLogged != 20 {
		t.Fatalf("the refused row was kept: %+v", stats)
	}

	blocking := newWriter(t, run, WriterOptions{WriterID: "block", MaxBatchPoints: 10, MaxBufferedPoints: 20})
	if err := blocking.LogColumns(ctx, columnsOf(1, 10)); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := blocking.Log(short, 11, map[string]float64{"loss": 1}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a blocked Log gave %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- blocking.LogColumns(ctx, columnsOf(11, 20)) }()
	time.Sleep(20 * time.Millisecond)
	f.set(func() { f.holdAcks = false })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := blocking.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if stats := blocking.Stats(); stats.PointsAcked != 60 {
		t.Fatalf("stats %+v", stats)
	}
}

func TestAPermanentStreamErrorStopsTheWriterTyped(t *testing.T) {
	f := newFakeServer()
	st, _ := status.New(codes.NotFound, "run not found").WithDetails(&errdetails.ErrorInfo{Reason: "RUN_NOT_FOUND", Domain: "exprun.dev"})
	f.reject = st.Err()
	w := newWriter(t, start(t, f), WriterOptions{})
	ctx := context.Background()
	// The stream may already have failed: then Log says so.
	if err := w.Log(ctx, 1, map[string]float64{"loss": 1}); err != nil && !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	err := w.Flush(ctx)
	var e *Error
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &e) || e.Reason != "RUN_NOT_FOUND" {
		t.Fatalf("flush gave %v", err)
	}
	if err := w.Log(ctx, 2, map[string]float64{"loss": 1}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Log after the failure gave %v", err)
	}
	if err := w.Close(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the first Close gave %v", err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatalf("the second Close gave %v", err)
	}
}

func TestLogRefusesNonFinitePointsAtOnce(t *testing.T) {
	f := newFakeServer()
	w := newWriter(t, start(t, f), WriterOptions{})
	ctx := context.Background()
	var e *Error
	if err := w.LogColumns(ctx, Columns{Steps: []int64{1}, Values: map[string][]float64{"loss": {posInf()}}}); !errors.As(err, &e) || e.Code != codes.InvalidArgument {
		t.Fatalf("an infinite value gave %v", err)
	}
	if err := w.Log(ctx, -1, map[string]float64{"loss": 1}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("a negative step gave %v", err)
	}
	if stats := w.Stats(); stats.PointsLogged != 0 {
		t.Fatalf("refused points were kept: %+v", stats)
	}
}

func posInf() float64 { return 1 / zero }

var zero = 0.0

func TestUnaryErrorsCarryTheFieldViolations(t *testing.T) {
	f := newFakeServer()
	run := start(t, f)
	err := run.LogMetrics(context.Background(), map[string]any{"bad": 1.5})
	var e *Error
	if !errors.As(err, &e) || e.Code != codes.InvalidArgument || len(e.Fields()) != 1 || e.Fields()[0] != "metrics['bad']" || e.Domain != "exprun.dev" {
		t.Fatalf("LogMetrics gave %#v", err)
	}
	if err := run.LogParams(context.Background(), map[string]any{"flag": true}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("a bool param gave %v", err)
	}
}

// storageFull is the server's refusal while its disk is full: RESOURCE_EXHAUSTED, ErrorInfo
// STORAGE_FULL and a RetryInfo.
func storageFull(t *testing.T, delay time.Duration) error {
	t.Helper()
	st, err := status.New(codes.ResourceExhausted, "the store's disk is full").WithDetails(
		&errdetails.ErrorInfo{Reason: "STORAGE_FULL", Domain: "exprun.dev"},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(delay)})
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

func TestStorageFullIsRetriedPastTheLimitWithTheBufferBoundedAndNothingLost(t *testing.T) {
	f := newFakeServer()
	run := start(t, f)
	ctx := context.Background()
	w := newWriter(t, run, WriterOptions{MaxBatchPoints: 10, MaxBufferedPoints: 20, OnFull: OnFullError, MaxBatchDelay: time.Millisecond})
	if err := w.LogColumns(ctx, columnsOf(1, 5)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	f.set(func() { f.refuse = storageFull(t, 10*time.Millisecond) })
	if err := w.LogColumns(ctx, columnsOf(6, 10)); err != nil { // 20 points pending: full
		t.Fatal(err)
	}
	// Many more refusals in a row than the limit on "usually transient" statuses.
	f.waitUntil(t, "refusals past the retry limit", func() bool { return f.refusals > 3*limitedRetries })
	if err := w.Log(ctx, 16, map[string]float64{"loss": 1}); !errors.Is(err, ErrBufferFull) {
		t.Fatalf("Log into a full buffer while the server refuses gave %v", err)
	}
	if stats := w.Stats(); stats.PointsPending != 20 || stats.PointsAcked != 10 {
		t.Fatalf("stats while refused %+v", stats)
	}
	f.set(func() { f.refuse = nil })
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if stats := w.Stats(); stats.PointsAcked != 30 || stats.PointsPending != 0 || stats.Reconnects <= 3*limitedRetries {
		t.Fatalf("stats after the refusals %+v", stats)
	}
	checkAllPoints(t, f, 15)
	f.snapshot(func() {
		if f.writes != 30 {
			t.Fatalf("%d points written for 30 logged", f.writes)
		}
	})
}

func TestStorageFullBlocksLogUntilTheServerAcceptsAgain(t *testing.T) {
	f := newFakeServer()
	f.refuse = storageFull(t, 20*time.Millisecond)
	w := newWriter(t, start(t, f), WriterOptions{MaxBatchPoints: 10, MaxBufferedPoints: 20, MaxBatchDelay: time.Millisecond})
	ctx := context.Background()
	if err := w.LogColumns(ctx, columnsOf(1, 10)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.LogColumns(ctx, columnsOf(11, 40)) }()
	f.waitUntil(t, "refusals past the retry limit", func() bool { return f.refusals > 2*limitedRetries })
	select {
	case err := <-done:
		t.Fatalf("LogColumns returned (%v) with the buffer full and the server refusing", err)
	default:
	}
	if stats := w.Stats(); stats.PointsPending > 20 {
		t.Fatalf("%d points pending with MaxBufferedPoints 20", stats.PointsPending)
	}
	f.set(func() { f.refuse = nil })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	checkAllPoints(t, f, 50)
	f.snapshot(func() {
		if f.writes != 100 {
			t.Fatalf("%d points written for 100 logged", f.writes)
		}
	})
}

func TestCloseWithADeadlineReturnsWhileTheServerRefuses(t *testing.T) {
	f := newFakeServer()
	f.refuse = storageFull(t, 10*time.Millisecond)
	w := newWriter(t, start(t, f), WriterOptions{})
	ctx := context.Background()
	if err := w.Log(ctx, 1, map[string]float64{"loss": 1}); err != nil {
		t.Fatal(err)
	}
	f.waitUntil(t, "a refusal", func() bool { return f.refusals > 0 })
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := w.Close(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close while refused gave %v", err)
	}
}

func TestResourceExhaustedWithoutRetryInfoStillStopsTheWriter(t *testing.T) {
	f := newFakeServer()
	f.refuse = status.Error(codes.ResourceExhausted, "message larger than max")
	w := newWriter(t, start(t, f), WriterOptions{})
	ctx := context.Background()
	if err := w.Log(ctx, 1, map[string]float64{"loss": 1}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); !errors.Is(err, ErrResourceExhausted) {
		t.Fatalf("flush gave %v", err)
	}
	f.snapshot(func() {
		// The first stream may count as progress (opened before the batch was cut): one more.
		if f.refusals < limitedRetries+1 || f.refusals > limitedRetries+2 {
			t.Fatalf("%d refusals, want %d or %d", f.refusals, limitedRetries+1, limitedRetries+2)
		}
	})
}
