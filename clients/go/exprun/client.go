// Package exprun is the Go client of exprun: the Vertex AI Experiments ExperimentRun API served
// over gRPC by an exprun server.
//
// It follows the Google Cloud Go clients: NewClient(ctx, ...Option); ctx first on every call,
// its deadline and cancellation the call's; List calls return iter.Seq2 iterators that fetch
// pages lazily; idempotent unary calls are retried with backoff and jitter on UNAVAILABLE (and
// on RESOURCE_EXHAUSTED with a RetryInfo, whose delay is honoured); every error is an *Error
// with the canonical code, the ErrorInfo reason and the BadRequest field violations.
//
// A Client holds the connection and the defaults (project, location, experiment), like the
// SDK's aiplatform.init; a Run is a handle on one run, with the SDK's log_* and get_* calls; a
// TimeSeriesWriter streams time series in acknowledged batches. Every RPC of
// exprun.v1.ExperimentRunService has a method; the generated API (messages and the raw stub) is
// the package github.com/exprun/exprun/clients/go/exprunv1, and Client.Stub gives the stub on
// the client's connection.
package exprun

import (
	"context"
	"crypto/tls"
	"fmt"
	"iter"
	"os"
	"strings"

	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// Defaults used when neither Options nor the environment name a target or a location.
const (
	DefaultTarget   = "127.0.0.1:50051"
	DefaultLocation = "us-central1"
)

// ReadTimeSeries chunks can exceed gRPC's 4 MiB default message size.
const maxMessageBytes = 64 << 20

// Client is a connection to an exprun server with the defaults runs are named by.
// It is safe for concurrent use; Close it when done.
type Client struct {
	conn       *grpc.ClientConn
	stub       exprunv1.ExperimentRunServiceClient
	project    string
	location   string
	experiment string
	retry      RetrySettings
}

// NewClient connects to an exprun server, as the Google Cloud Go clients' NewClient does: the
// connection is made lazily (by the first call), so ctx only bounds the setup and is checked
// for cancellation. With no options it serves EXPRUN_TARGET (or 127.0.0.1:50051) for
// EXPRUN_PROJECT; a project is required.
func NewClient(ctx context.Context, opts ...Option) (*Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, FromError(status.FromContextError(err).Err())
	}
	var s settings
	for _, opt := range opts {
		opt(&s)
	}
	target := firstNonEmpty(s.target, os.Getenv("EXPRUN_TARGET"), DefaultTarget)
	project := firstNonEmpty(s.project, os.Getenv("EXPRUN_PROJECT"))
	if project == "" {
		return nil, clientError(codes.InvalidArgument, ReasonInvalidValue, "no project: pass WithProject or set EXPRUN_PROJECT", map[string]string{"option": "project"})
	}
	var creds credentials.TransportCredentials
	switch {
	case s.tlsConfig != nil:
		creds = credentials.NewTLS(s.tlsConfig)
	case s.tls:
		creds = credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	default:
		creds = insecure.NewCredentials()
	}
	headers := make([]string, 0, 2*len(s.metadata)+2)
	for k, v := range s.metadata {
		headers = append(headers, strings.ToLower(k), v)
	}
	if s.token != "" {
		headers = append(headers, "authorization", "Bearer "+s.token)
	}
	dialOptions := []grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessageBytes), grpc.MaxCallSendMsgSize(maxMessageBytes)),
	}
	if len(headers) > 0 {
		dialOptions = append(dialOptions,
			grpc.WithUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, callOpts ...grpc.CallOption) error {
				return invoker(metadata.AppendToOutgoingContext(ctx, headers...), method, req, reply, cc, callOpts...)
			}),
			grpc.WithStreamInterceptor(func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, callOpts ...grpc.CallOption) (grpc.ClientStream, error) {
				return streamer(metadata.AppendToOutgoingContext(ctx, headers...), desc, cc, method, callOpts...)
			}),
		)
	}
	conn, err := grpc.NewClient(target, append(dialOptions, s.dialOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("exprun: connecting to %s: %w", target, err)
	}
	return &Client{
		conn:       conn,
		stub:       exprunv1.NewExperimentRunServiceClient(conn),
		project:    project,
		location:   firstNonEmpty(s.location, os.Getenv("EXPRUN_LOCATION"), DefaultLocation),
		experiment: firstNonEmpty(s.experiment, os.Getenv("EXPRUN_EXPERIMENT")),
		retry:      s.retry.withDefaults(),
	}, nil
}

// Close closes the connection. Close open TimeSeriesWriters first: their streams use it.
func (c *Client) Close() error { return c.conn.Close() }

// Stub is the generated stub on the client's connection (with its token and metadata), for calls
// this package does not wrap. Its errors are plain gRPC status errors: FromError types them.
func (c *Client) Stub() exprunv1.ExperimentRunServiceClient { return c.stub }

// Parent is "projects/{project}/locations/{location}" of the client's defaults.
func (c *Client) Parent() string {
	return "projects/" + c.project + "/locations/" + c.location
}

// ExperimentName is the full name of an experiment ID ("" means the default experiment); a full
// name ("projects/...") is returned as is.
func (c *Client) ExperimentName(experiment string) (string, error) {
	chosen := firstNonEmpty(experiment, c.experiment)
	if chosen == "" {
		return "", clientError(codes.InvalidArgument, ReasonInvalidValue, "no experiment: pass one, WithExperiment or EXPRUN_EXPERIMENT", map[string]string{"option": "experiment"})
	}
	if strings.HasPrefix(chosen, "projects/") {
		return chosen, nil
	}
	return c.Parent() + "/experiments/" + chosen, nil
}

// CreateExperiment creates an experiment (the ID, or "" for the default experiment).
// exp may carry a description and a backing TensorBoard; it may be nil. An existing experiment
// is an error matching ErrAlreadyExists.
func (c *Client) CreateExperiment(ctx context.Context, experimentID string, exp *exprunv1.Experiment) (*exprunv1.Experiment, error) {
	name, err := c.ExperimentName(experimentID)
	if err != nil {
		return nil, err
	}
	parent, id := splitLast(name, "/experiments/")
	return call(ctx, c.stub.CreateExperiment, &exprunv1.CreateExperimentRequest{Parent: parent, ExperimentId: id, Experiment: exp})
}

// GetExperiment gets an experiment; a missing one is an error matching ErrNotFound.
func (c *Client) GetExperiment(ctx context.Context, experimentID string) (*exprunv1.Experiment, error) {
	name, err := c.ExperimentName(experimentID)
	if err != nil {
		return nil, err
	}
	return retried(ctx, c, c.stub.GetExperiment, &exprunv1.GetExperimentRequest{Name: name})
}

// ListExperiments lists the experiments of the client's project and location, page by page.
// Options: WithFilter (`experiment_id = "x"`, `backing_tensorboard != ""`), WithOrderBy
// ("create_time", "update_time", "experiment_id", each with an optional " desc"), WithPageSize.
func (c *Client) ListExperiments(ctx context.Context, opts ...ListOption) iter.Seq2[*exprunv1.Experiment, error] {
	s := listSettingsOf(opts)
	return pages(ctx, func(ctx context.Context, token string) ([]*exprunv1.Experiment, string, error) {
		page, err := retried(ctx, c, c.stub.ListExperiments, &exprunv1.ListExperimentsRequest{
			Parent: c.Parent(), PageSize: s.pageSize, PageToken: token, Filter: s.filter, OrderBy: s.orderBy,
		})
		return page.GetExperiments(), page.GetNextPageToken(), err
	})
}

// ListRuns lists the runs of an experiment (an ID, a full name, or "" for the default
// experiment), page by page. Options: WithFilter (`state = RUNNING AND run_id != "baseline"`),
// WithOrderBy ("create_time", "update_time", "run_id", each with an optional " desc"), WithPageSize.
func (c *Client) ListRuns(ctx context.Context, experimentID string, opts ...ListOption) iter.Seq2[*exprunv1.Run, error] {
	s := listSettingsOf(opts)
	return func(yield func(*exprunv1.Run, error) bool) {
		parent, err := c.ExperimentName(experimentID)
		if err != nil {
			yield(nil, err)
			return
		}
		pages(ctx, func(ctx context.Context, token string) ([]*exprunv1.Run, string, error) {
			page, err := retried(ctx, c, c.stub.ListRuns, &exprunv1.ListRunsRequest{
				Parent: parent, PageSize: s.pageSize, PageToken: token, Filter: s.filter, OrderBy: s.orderBy,
			})
			return page.GetRuns(), page.GetNextPageToken(), err
		})(yield)
	}
}

// DeleteExperiment deletes an experiment and all its runs. WithBackingTensorboardRuns also
// deletes the runs' backing TensorBoard runs.
func (c *Client) DeleteExperiment(ctx context.Context, experimentID string, opts ...DeleteOption) error {
	name, err := c.ExperimentName(experimentID)
	if err != nil {
		return err
	}
	request := &exprunv1.DeleteExperimentRequest{Name: name}
	for _, opt := range opts {
		opt(request)
	}
	_, err = call(ctx, c.stub.DeleteExperiment, request)
	return err
}

// DeleteOption changes what DeleteExperiment deletes.
type DeleteOption func(*exprunv1.DeleteExperimentRequest)

// WithBackingTensorboardRuns also deletes the runs' backing TensorBoard runs (the SDK's
// delete_backing_tensorboard_runs).
func WithBackingTensorboardRuns() DeleteOption {
	return func(r *exprunv1.DeleteExperimentRequest) { r.DeleteBackingTensorboardRuns = true }
}

// RunOption changes how a run is named or created.
type RunOption func(*runSettings)

type runSettings struct {
	experiment  string
	tensorboard string
	state       RunState
}

// InExperiment names the run's experiment (an ID or a full name) instead of the client's default.
func InExperiment(experiment string) RunOption {
	return func(s *runSettings) { s.experiment = experiment }
}

// WithTensorboard sets the Vertex TensorBoard that backs a created run's time series.
func WithTensorboard(tensorboard string) RunOption {
	return func(s *runSettings) { s.tensorboard = tensorboard }
}

// WithState sets a created run's initial state (RUNNING by default).
func WithState(state RunState) RunOption {
	return func(s *runSettings) { s.state = state }
}

// Run is a handle on the run runID (an ID in the experiment, or a full
// "projects/P/locations/L/experiments/E/runs/R" name). It makes no call.
func (c *Client) Run(runID string, opts ...RunOption) (*Run, error) {
	settings := runSettings{}
	for _, opt := range opts {
		opt(&settings)
	}
	if strings.HasPrefix(runID, "projects/") {
		return &Run{client: c, name: runID}, nil
	}
	experiment, err := c.ExperimentName(settings.experiment)
	if err != nil {
		return nil, err
	}
	return &Run{client: c, name: experiment + "/runs/" + runID}, nil
}

// CreateRun creates a run (state RUNNING unless WithState says otherwise). An existing run is an
// error matching ErrAlreadyExists.
func (c *Client) CreateRun(ctx context.Context, runID string, opts ...RunOption) (*Run, error) {
	settings := runSettings{}
	for _, opt := range opts {
		opt(&settings)
	}
	run, err := c.Run(runID, opts...)
	if err != nil {
		return nil, err
	}
	parent, id := splitLast(run.name, "/runs/")
	request := &exprunv1.CreateRunRequest{Parent: parent, RunId: id, Tensorboard: settings.tensorboard}
	if settings.state != RunStateUnspecified {
		request.Run = &exprunv1.Run{State: settings.state}
	}
	proto, err := call(ctx, c.stub.CreateRun, request)
	if err != nil {
		return nil, err
	}
	run.name = proto.GetName()
	return run, nil
}

// GetRun checks that a run exists and returns its handle; a missing run is an error matching
// ErrNotFound.
func (c *Client) GetRun(ctx context.Context, runID string, opts ...RunOption) (*Run, error) {
	run, err := c.Run(runID, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := run.Get(ctx); err != nil {
		return nil, err
	}
	return run, nil
}

// call makes a unary call and types its error from the call's status trailer.
func call[Req, Resp any](ctx context.Context, method func(context.Context, Req, ...grpc.CallOption) (Resp, error), request Req) (Resp, error) {
	var trailer metadata.MD
	response, err := method(ctx, request, grpc.Trailer(&trailer))
	if err != nil {
		var zero Resp
		return zero, fromCall(err, trailer)
	}
	return response, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// splitLast splits name at the last sep: "a/runs/b" and "/runs/" give "a" and "b".
func splitLast(name, sep string) (string, string) {
	i := strings.LastIndex(name, sep)
	if i < 0 {
		return "", name
	}
	return name[:i], name[i+len(sep):]
}

// inLocation is the full name of an ID in a collection of the client's project and location
// ("projects/P/locations/L/{collection}/{id}"); a full name ("projects/...") is returned as is.
func (c *Client) inLocation(id, collection string) string {
	if strings.HasPrefix(id, "projects/") {
		return id
	}
	return c.Parent() + "/" + collection + "/" + id
}
