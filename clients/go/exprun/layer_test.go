package exprun

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// layerFake serves the unary and model RPCs the layer tests need, with scripted failures.
type layerFake struct {
	exprunv1.UnimplementedExperimentRunServiceServer

	mu         sync.Mutex
	calls      map[string]int
	failFirst  map[string][]error // per method: the errors of its first calls, in order
	runs       []string           // run IDs ListRuns pages through, 2 per page
	files      map[string][]byte  // LogModel's received files by path
	chunkSizes []int
	header     *exprunv1.LogModelHeader
	breakRead  bool
}

func newLayerFake() *layerFake {
	return &layerFake{calls: map[string]int{}, failFirst: map[string][]error{}, files: map[string][]byte{}}
}

// enter counts a call of method and returns the scripted error for it, if any.
func (f *layerFake) enter(method string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[method]++
	if queue := f.failFirst[method]; len(queue) > 0 {
		f.failFirst[method] = queue[1:]
		return queue[0]
	}
	return nil
}

func (f *layerFake) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func (f *layerFake) GetRun(_ context.Context, request *exprunv1.GetRunRequest) (*exprunv1.Run, error) {
	if err := f.enter("GetRun"); err != nil {
		return nil, err
	}
	return &exprunv1.Run{Name: request.GetName(), State: RunStateRunning}, nil
}

func (f *layerFake) CreateRun(_ context.Context, request *exprunv1.CreateRunRequest) (*exprunv1.Run, error) {
	if err := f.enter("CreateRun"); err != nil {
		return nil, err
	}
	return &exprunv1.Run{Name: request.GetParent() + "/runs/" + request.GetRunId()}, nil
}

func (f *layerFake) ListRuns(_ context.Context, request *exprunv1.ListRunsRequest) (*exprunv1.ListRunsResponse, error) {
	if err := f.enter("ListRuns"); err != nil {
		return nil, err
	}
	if request.GetFilter() == "bad" {
		return nil, invalidArgument("filter", "BAD_FILTER")
	}
	start := 0
	if request.GetPageToken() != "" {
		start, _ = strconv.Atoi(request.GetPageToken())
	}
	end := min(start+2, len(f.runs))
	response := &exprunv1.ListRunsResponse{}
	for _, id := range f.runs[start:end] {
		response.Runs = append(response.Runs, &exprunv1.Run{Name: request.GetParent() + "/runs/" + id})
	}
	if end < len(f.runs) {
		response.NextPageToken = strconv.Itoa(end)
	}
	return response, nil
}

func (f *layerFake) LogModel(stream exprunv1.ExperimentRunService_LogModelServer) error {
	if err := f.enter("LogModel"); err != nil {
		return err
	}
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	header := first.GetHeader()
	for {
		request, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		chunk := request.GetChunk()
		f.mu.Lock()
		f.files[chunk.GetPath()] = append(f.files[chunk.GetPath()], chunk.GetData()...)
		f.chunkSizes = append(f.chunkSizes, len(chunk.GetData()))
		f.mu.Unlock()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.header = header
	for _, file := range header.GetFiles() {
		digest := sha256.Sum256(f.files[file.GetPath()])
		if hex.EncodeToString(digest[:]) != file.GetSha256() || int64(len(f.files[file.GetPath()])) != file.GetSizeBytes() {
			return invalidArgument("header.files", "FILE_MISMATCH")
		}
	}
	if header.GetModel().GetUri() == "" && len(header.GetFiles()) == 0 {
		return invalidArgument("header.model.uri", "MODEL_EMPTY")
	}
	model := header.GetModel()
	return stream.SendAndClose(&exprunv1.ExperimentModel{Name: "projects/p/locations/us-central1/metadataStores/default/artifacts/m1", FrameworkName: model.GetFrameworkName(), Uri: model.GetUri(), Files: header.GetFiles()})
}

func (f *layerFake) DownloadModel(request *exprunv1.DownloadModelRequest, stream exprunv1.ExperimentRunService_DownloadModelServer) error {
	f.mu.Lock()
	header := f.header
	f.mu.Unlock()
	if header == nil || len(header.GetFiles()) == 0 {
		return status.Error(codes.FailedPrecondition, "nothing was uploaded")
	}
	for _, file := range header.GetFiles() {
		data := f.files[file.GetPath()]
		for start := 0; start == 0 || start < len(data); start += modelChunkBytes {
			end := min(start+modelChunkBytes, len(data))
			if err := stream.Send(&exprunv1.ModelChunk{Path: file.GetPath(), Data: data[start:end]}); err != nil {
				return err
			}
		}
	}
	return nil
}

func invalidArgument(field, reason string) error {
	st, err := status.New(codes.InvalidArgument, field+" is bad").WithDetails(
		&errdetails.ErrorInfo{Reason: reason, Domain: "exprun.dev"},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field, Description: "bad"}}},
	)
	if err != nil {
		panic(err)
	}
	return st.Err()
}

func unavailable() error { return status.Error(codes.Unavailable, "connection refused") }

func overloaded(delay time.Duration) error {
	st, err := status.New(codes.ResourceExhausted, "overloaded").WithDetails(
		&errdetails.ErrorInfo{Reason: "SERVER_OVERLOADED", Domain: "exprun.dev"},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(delay)},
	)
	if err != nil {
		panic(err)
	}
	return st.Err()
}

var fastRetry = WithRetry(RetrySettings{MaxAttempts: 5, InitialBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond})

func TestIdempotentCallsAreRetriedOnUnavailableAndOverload(t *testing.T) {
	f := newLayerFake()
	f.failFirst["GetRun"] = []error{unavailable(), overloaded(time.Millisecond), unavailable()}
	run := start(t, f, fastRetry)
	state, err := run.State(context.Background())
	if err != nil || state != RunStateRunning {
		t.Fatalf("State gave %v, %v after transient failures", state, err)
	}
	if got := f.count("GetRun"); got != 4 {
		t.Fatalf("GetRun was called %d times, want 4 (three failures, then success)", got)
	}
}

func TestRetriesStopAtMaxAttemptsWithTheLastErrorTyped(t *testing.T) {
	f := newLayerFake()
	f.failFirst["GetRun"] = []error{unavailable(), unavailable(), unavailable(), unavailable(), unavailable(), unavailable()}
	run := start(t, f, fastRetry)
	_, err := run.Get(context.Background())
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Get gave %v, want an error matching ErrUnavailable", err)
	}
	if got := f.count("GetRun"); got != 5 {
		t.Fatalf("GetRun was called %d times, want MaxAttempts (5)", got)
	}
}

func TestNonIdempotentCallsAndPermanentErrorsAreNotRetried(t *testing.T) {
	f := newLayerFake()
	f.failFirst["CreateRun"] = []error{unavailable()}
	f.failFirst["GetRun"] = []error{invalidArgument("name", "BAD_NAME")}
	run := start(t, f, fastRetry)
	if _, err := run.Client().CreateRun(context.Background(), "r2"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("CreateRun gave %v", err)
	}
	if got := f.count("CreateRun"); got != 1 {
		t.Fatalf("CreateRun was called %d times: a create is never retried", got)
	}
	var e *Error
	if _, err := run.Get(context.Background()); !errors.As(err, &e) || e.Reason != "BAD_NAME" || e.Fields()[0] != "name" {
		t.Fatalf("Get gave %v", err)
	}
	if got := f.count("GetRun"); got != 1 {
		t.Fatalf("GetRun was called %d times: INVALID_ARGUMENT is not retried", got)
	}
}

func TestACallsContextEndsItsRetries(t *testing.T) {
	f := newLayerFake()
	for range 1000 {
		f.failFirst["GetRun"] = append(f.failFirst["GetRun"], unavailable())
	}
	run := start(t, f, WithRetry(RetrySettings{MaxAttempts: 1000, InitialBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := run.Get(ctx); err == nil {
		t.Fatal("Get on an ended context succeeded")
	}
	if got := f.count("GetRun"); got > 1 {
		t.Fatalf("GetRun was called %d times on an ended context", got)
	}
}

func TestRetryWaitsAtLeastTheRetryInfoDelay(t *testing.T) {
	for range 100 {
		wait, ok := retryDelay(FromError(overloaded(2*time.Second)), 10*time.Millisecond)
		if !ok || wait < 2*time.Second || wait > 2200*time.Millisecond {
			t.Fatalf("RetryInfo 2s gave a wait of %v (%v)", wait, ok)
		}
		wait, ok = retryDelay(FromError(unavailable()), 100*time.Millisecond)
		if !ok || wait < 50*time.Millisecond || wait >= 100*time.Millisecond {
			t.Fatalf("a 100ms backoff gave a wait of %v (%v): want jitter in [0.5, 1)", wait, ok)
		}
	}
	if wait, _ := retryDelay(FromError(overloaded(time.Hour)), time.Millisecond); wait > maxRetryInfoDelay*11/10 {
		t.Fatalf("a RetryInfo of an hour gave a wait of %v", wait)
	}
	if _, ok := retryDelay(FromError(status.Error(codes.ResourceExhausted, "quota")), time.Millisecond); ok {
		t.Fatal("RESOURCE_EXHAUSTED without a RetryInfo was retried")
	}
}

func TestListRunsIteratesEveryPageLazily(t *testing.T) {
	f := newLayerFake()
	f.runs = []string{"a", "b", "c", "d", "e"}
	client := start(t, f).Client()
	var got []string
	for run, err := range client.ListRuns(context.Background(), "") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, segment(run.GetName(), "runs"))
	}
	if strings.Join(got, ",") != "a,b,c,d,e" || f.count("ListRuns") != 3 {
		t.Fatalf("ListRuns yielded %v in %d calls", got, f.count("ListRuns"))
	}
	seen := 0
	for _, err := range client.ListRuns(context.Background(), "") {
		if err != nil {
			t.Fatal(err)
		}
		if seen++; seen == 3 {
			break
		}
	}
	if calls := f.count("ListRuns") - 3; calls != 2 {
		t.Fatalf("breaking after 3 runs made %d page calls, want 2", calls)
	}
}

func TestAListErrorIsYieldedOnceTyped(t *testing.T) {
	f := newLayerFake()
	client := start(t, f).Client()
	yields := 0
	var e *Error
	for _, err := range client.ListRuns(context.Background(), "", WithFilter("bad")) {
		yields++
		if !errors.As(err, &e) || e.Code != codes.InvalidArgument || e.Reason != "BAD_FILTER" || e.Fields()[0] != "filter" {
			t.Fatalf("a bad filter yielded %v", err)
		}
	}
	if yields != 1 {
		t.Fatalf("a failed list yielded %d times", yields)
	}
}

func TestLogModelUploadsADirectoryInChunksAndDownloadsItBack(t *testing.T) {
	f := newLayerFake()
	run := start(t, f)
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), (modelChunkBytes*5/2)/16)
	files := map[string][]byte{"model.bin": big, "empty.txt": nil, "sub/config.json": []byte(`{"a": 1}`)}
	for path, data := range files {
		target := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	model, err := run.LogModel(ctx, &exprunv1.ExperimentModel{FrameworkName: "custom"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, file := range model.GetFiles() {
		paths = append(paths, file.GetPath())
	}
	if strings.Join(paths, ",") != "empty.txt,model.bin,sub/config.json" {
		t.Fatalf("uploaded files %v", paths)
	}
	sizes := append([]int(nil), f.chunkSizes...)
	sort.Ints(sizes)
	if len(sizes) != 5 || sizes[0] != 0 || sizes[len(sizes)-1] != modelChunkBytes {
		t.Fatalf("chunk sizes %v: want an empty file's empty chunk and chunks of at most 1 MiB", f.chunkSizes)
	}
	out := t.TempDir()
	if err := run.Client().DownloadModelTo(ctx, model.GetName(), out); err != nil {
		t.Fatal(err)
	}
	for path, data := range files {
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(path)))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("downloaded %s: %d bytes (%v), want %d", path, len(got), err, len(data))
		}
	}
}

func TestLogModelByReferenceSendsOnlyTheHeaderAndChecksTheURI(t *testing.T) {
	f := newLayerFake()
	run := start(t, f)
	ctx := context.Background()
	model, err := run.LogModel(ctx, &exprunv1.ExperimentModel{FrameworkName: "custom", Uri: "gs://b/m"}, "")
	if err != nil || model.GetUri() != "gs://b/m" || len(f.chunkSizes) != 0 {
		t.Fatalf("LogModel by reference gave %v, %v with %d chunks", model, err, len(f.chunkSizes))
	}
	var e *Error
	if _, err := run.LogModel(ctx, &exprunv1.ExperimentModel{FrameworkName: "custom"}, ""); !errors.As(err, &e) || e.Code != codes.InvalidArgument || e.Fields()[0] != "model.uri" {
		t.Fatalf("a model with neither files nor a URI gave %v", err)
	}
	if f.count("LogModel") != 1 {
		t.Fatalf("LogModel was called %d times: the refused one must not be sent", f.count("LogModel"))
	}
	for _, err := range run.Client().DownloadModel(ctx, "m0") {
		if !errors.Is(err, ErrFailedPrecondition) {
			t.Fatalf("downloading a model by reference gave %v", err)
		}
	}
}

// Every RPC of the generated stub is called by the layer: a new RPC without a method here fails
// this test.
func TestTheLayerCallsEveryRPC(t *testing.T) {
	generated, err := os.ReadFile("../exprunv1/experiment_run_service_grpc.pb.go")
	if err != nil {
		t.Fatal(err)
	}
	rpcs := regexp.MustCompile(`ExperimentRunService_(\w+)_FullMethodName\s*=`).FindAllStringSubmatch(string(generated), -1)
	if len(rpcs) < 30 {
		t.Fatalf("found %d RPCs in the generated code", len(rpcs))
	}
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var layer strings.Builder
	for _, source := range sources {
		if strings.HasSuffix(source, "_test.go") {
			continue
		}
		data, err := os.ReadFile(source)
		if err != nil {
			t.Fatal(err)
		}
		layer.Write(data)
	}
	var missing []string
	for _, rpc := range rpcs {
		if !regexp.MustCompile(`stub\.` + rpc[1] + `\b`).MatchString(layer.String()) {
			missing = append(missing, rpc[1])
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d RPCs have no method in the layer: %v", len(missing), len(rpcs), missing)
	}
	t.Logf("the layer calls all %d RPCs", len(rpcs))
}

func TestNewClientRefusesMissingSettingsTyped(t *testing.T) {
	t.Setenv("EXPRUN_PROJECT", "")
	var e *Error
	if _, err := NewClient(context.Background()); !errors.As(err, &e) || e.Code != codes.InvalidArgument || e.Metadata["option"] != "project" {
		t.Fatalf("NewClient without a project gave %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewClient(ctx, WithProject("p")); status.Code(err) != codes.Canceled {
		t.Fatalf("NewClient on a cancelled context gave %v", err)
	}
}

func TestACallsDeadlineIsItsOwn(t *testing.T) {
	f := newLayerFake()
	run := start(t, f)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	var e *Error
	if _, err := run.Get(ctx); !errors.As(err, &e) || e.Code != codes.DeadlineExceeded {
		t.Fatalf("a call past its deadline gave %v", err)
	}
	if _, err := run.Get(context.Background()); err != nil {
		t.Fatalf("the next call, with no deadline, gave %v", err)
	}
	if _, err := run.Client().Stub().GetRun(context.Background(), &exprunv1.GetRunRequest{Name: run.Name()}); err != nil {
		t.Fatalf("the raw stub gave %v", err)
	}
}

// ReadTimeSeries of the layer fake: two chunks of metric "loss" (steps 1-2, then 3), or the
// first chunk then UNAVAILABLE when breakRead is set.
func (f *layerFake) ReadTimeSeries(_ *exprunv1.ReadTimeSeriesRequest, stream exprunv1.ExperimentRunService_ReadTimeSeriesServer) error {
	if err := f.enter("ReadTimeSeries"); err != nil {
		return err
	}
	first := &exprunv1.ReadTimeSeriesResponse{Series: []*exprunv1.TimeSeries{{Metric: "loss", Steps: []int64{1, 2}, Values: []float64{1, 0.5}}}}
	if err := stream.Send(first); err != nil {
		return err
	}
	f.mu.Lock()
	breakRead := f.breakRead
	f.mu.Unlock()
	if breakRead {
		return unavailable()
	}
	return stream.Send(&exprunv1.ReadTimeSeriesResponse{Series: []*exprunv1.TimeSeries{{Metric: "loss", Steps: []int64{3}, Values: []float64{0.25}}}})
}

func TestAReadThatFailsBeforeItsFirstPieceIsRetried(t *testing.T) {
	f := newLayerFake()
	f.failFirst["ReadTimeSeries"] = []error{unavailable(), overloaded(time.Millisecond)}
	run := start(t, f, fastRetry)
	all, err := run.ReadAllTimeSeries(context.Background(), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if loss := all["loss"]; loss == nil || !reflect.DeepEqual(loss.Steps, []int64{1, 2, 3}) || !reflect.DeepEqual(loss.Values, []float64{1, 0.5, 0.25}) {
		t.Fatalf("read %+v", all["loss"])
	}
	if got := f.count("ReadTimeSeries"); got != 3 {
		t.Fatalf("ReadTimeSeries was called %d times, want 3", got)
	}
}

func TestAReadThatFailsAfterAPieceYieldsTheErrorOnce(t *testing.T) {
	f := newLayerFake()
	f.breakRead = true
	run := start(t, f, fastRetry)
	var pieces, failures int
	for piece, err := range run.ReadTimeSeries(context.Background(), ReadOptions{}) {
		if err != nil {
			failures++
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("the broken read yielded %v", err)
			}
			continue
		}
		pieces++
		if piece.Metric != "loss" || piece.Len() != 2 {
			t.Fatalf("piece %+v", piece)
		}
	}
	if pieces != 1 || failures != 1 || f.count("ReadTimeSeries") != 1 {
		t.Fatalf("%d pieces, %d errors in %d calls: want the piece, the error, no retry", pieces, failures, f.count("ReadTimeSeries"))
	}
}

// The README's main.go is Example's body: go test compiles what the README shows.
func TestTheReadmeExampleIsTheCompiledExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	block := string(readme)
	marker := "<!-- consumer-test: main.go -->\n```go\n"
	start := strings.Index(block, marker)
	if start < 0 {
		t.Fatal("README.md has no main.go block")
	}
	block = block[start+len(marker):]
	block = block[:strings.Index(block, "\n```")]
	body := func(source, opening string) string {
		i := strings.Index(source, opening)
		j := strings.LastIndex(source, "}")
		if i < 0 || j < i {
			t.Fatalf("no %q in %q", opening, source)
		}
		return strings.TrimSpace(source[i+len(opening) : j])
	}
	if got, want := body(block, "func main() {"), body(string(example), "func Example() {"); got != want {
		t.Fatalf("README.md's main differs from Example:\n--- README\n%s\n--- Example\n%s", got, want)
	}
}
