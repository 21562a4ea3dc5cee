// Package exprun is the Go client of exprun: the Vertex AI Experiments ExperimentRun API served
// over gRPC by an exprun server.
//
// A Client holds the connection and the defaults (project, location, experiment), like the
// SDK's aiplatform.init; a Run is a handle on one run, with the SDK's log_* and get_* calls; a
// TimeSeriesWriter streams time series in acknowledged batches. Every failed call returns an
// *Error with the canonical code, the ErrorInfo reason and the BadRequest field violations.
//
// The generated API (messages and the raw stub) is the package
// github.com/exprun/exprun/clients/go/exprunv1; Client.Stub gives the stub for calls this layer
// does not wrap.
package exprun

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// Defaults used when neither Options nor the environment name a target or a location.
const (
	DefaultTarget   = "127.0.0.1:50051"
	DefaultLocation = "us-central1"
)

// ReadTimeSeries chunks can exceed gRPC's 4 MiB default message size.
const maxMessageBytes = 64 << 20

// Options configure a Client. Empty fields fall back to the environment (EXPRUN_TARGET,
// EXPRUN_PROJECT, EXPRUN_LOCATION, EXPRUN_EXPERIMENT), then to DefaultTarget and DefaultLocation.
type Options struct {
	// Target is the server's host:port.
	Target string
	// Project is the project of every name the client builds. Required (here or in EXPRUN_PROJECT).
	Project string
	// Location is the location of every name the client builds.
	Location string
	// Experiment is the default experiment of runs named by ID.
	Experiment string
	// Token, when set, is sent on every call as "authorization: Bearer <Token>".
	Token string
	// TLS turns on TLS with the system roots; TLSConfig, when set, implies TLS and replaces them.
	TLS       bool
	TLSConfig *tls.Config
	// Metadata is sent on every call as extra headers.
	Metadata map[string]string
	// DialOptions are appended to the client's own (credentials, interceptors, message sizes).
	DialOptions []grpc.DialOption
}

// Client is a connection to an exprun server with the defaults runs are named by.
// It is safe for concurrent use; Close it when done.
type Client struct {
	conn       *grpc.ClientConn
	stub       exprunv1.ExperimentRunServiceClient
	project    string
	location   string
	experiment string
}

// NewClient connects (lazily, as grpc.NewClient does) to the server of opts.
func NewClient(opts Options) (*Client, error) {
	target := firstNonEmpty(opts.Target, os.Getenv("EXPRUN_TARGET"), DefaultTarget)
	project := firstNonEmpty(opts.Project, os.Getenv("EXPRUN_PROJECT"))
	if project == "" {
		return nil, errors.New("exprun: no project: set Options.Project or EXPRUN_PROJECT")
	}
	var creds credentials.TransportCredentials
	switch {
	case opts.TLSConfig != nil:
		creds = credentials.NewTLS(opts.TLSConfig)
	case opts.TLS:
		creds = credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	default:
		creds = insecure.NewCredentials()
	}
	headers := make([]string, 0, 2*len(opts.Metadata)+2)
	for k, v := range opts.Metadata {
		headers = append(headers, strings.ToLower(k), v)
	}
	if opts.Token != "" {
		headers = append(headers, "authorization", "Bearer "+opts.Token)
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
	conn, err := grpc.NewClient(target, append(dialOptions, opts.DialOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("exprun: connecting to %s: %w", target, err)
	}
	return &Client{
		conn:       conn,
		stub:       exprunv1.NewExperimentRunServiceClient(conn),
		project:    project,
		location:   firstNonEmpty(opts.Location, os.Getenv("EXPRUN_LOCATION"), DefaultLocation),
		experiment: firstNonEmpty(opts.Experiment, os.Getenv("EXPRUN_EXPERIMENT")),
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
		return "", errors.New("exprun: no experiment: pass one or set Options.Experiment or EXPRUN_EXPERIMENT")
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
	return call(ctx, c.stub.GetExperiment, &exprunv1.GetExperimentRequest{Name: name})
}

// DeleteExperiment deletes an experiment and all its runs.
func (c *Client) DeleteExperiment(ctx context.Context, experimentID string) error {
	name, err := c.ExperimentName(experimentID)
	if err != nil {
		return err
	}
	_, err = call(ctx, c.stub.DeleteExperiment, &exprunv1.DeleteExperimentRequest{Name: name})
	return err
}

// RunOption changes how a run is named or created.
type RunOption func(*runSettings)

type runSettings struct {
	experiment  string
	tensorboard string
	state       exprunv1.RunState
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
func WithState(state exprunv1.RunState) RunOption {
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
	if settings.state != exprunv1.RunState_RUN_STATE_UNSPECIFIED {
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
