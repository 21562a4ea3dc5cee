package exprun

import (
	"crypto/tls"
	"time"

	"google.golang.org/grpc"
)

// Option configures a Client, as google.golang.org/api/option.ClientOption does for the Google
// Cloud clients. Options left out fall back to the environment (EXPRUN_TARGET, EXPRUN_PROJECT,
// EXPRUN_LOCATION, EXPRUN_EXPERIMENT), then to DefaultTarget and DefaultLocation.
type Option func(*settings)

// settings are what the options set; NewClient fills the rest from the environment.
type settings struct {
	target      string
	project     string
	location    string
	experiment  string
	token       string
	tls         bool
	tlsConfig   *tls.Config
	metadata    map[string]string
	dialOptions []grpc.DialOption
	retry       RetrySettings
}

// WithTarget sets the server's host:port (or any gRPC target).
func WithTarget(target string) Option { return func(s *settings) { s.target = target } }

// WithProject sets the project of every name the client builds. A project is required: here or
// in EXPRUN_PROJECT.
func WithProject(project string) Option { return func(s *settings) { s.project = project } }

// WithLocation sets the location of every name the client builds (default us-central1).
func WithLocation(location string) Option { return func(s *settings) { s.location = location } }

// WithExperiment sets the default experiment of runs named by ID.
func WithExperiment(experiment string) Option {
	return func(s *settings) { s.experiment = experiment }
}

// WithToken sends "authorization: Bearer <token>" on every call.
func WithToken(token string) Option { return func(s *settings) { s.token = token } }

// WithTLS turns on TLS with the system roots (the connection is plaintext otherwise).
func WithTLS() Option { return func(s *settings) { s.tls = true } }

// WithTLSConfig turns on TLS with this configuration.
func WithTLSConfig(config *tls.Config) Option {
	return func(s *settings) { s.tls, s.tlsConfig = true, config }
}

// WithMetadata sends these headers on every call, in addition to any set before.
func WithMetadata(headers map[string]string) Option {
	return func(s *settings) {
		if s.metadata == nil {
			s.metadata = map[string]string{}
		}
		for k, v := range headers {
			s.metadata[k] = v
		}
	}
}

// WithDialOptions appends gRPC dial options to the client's own (credentials, interceptors,
// message sizes); later ones win.
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(s *settings) { s.dialOptions = append(s.dialOptions, opts...) }
}

// WithRetry replaces the retry policy of idempotent unary calls (DefaultRetry otherwise).
// RetrySettings{MaxAttempts: 1} turns retries off.
func WithRetry(retry RetrySettings) Option { return func(s *settings) { s.retry = retry } }

// RetrySettings is the policy for idempotent unary calls that fail with UNAVAILABLE, or with
// RESOURCE_EXHAUSTED carrying a google.rpc.RetryInfo (the server refusing before it ran the
// call: SERVER_OVERLOADED, STORAGE_FULL). Each wait is the backoff times a jitter in [0.5, 1),
// the backoff growing by Multiplier from InitialBackoff up to MaxBackoff, and never shorter than
// the RetryInfo delay (capped at one minute). The call's ctx bounds the whole, waits included.
type RetrySettings struct {
	// MaxAttempts counts the first call: 1 means no retry. Zero means 5.
	MaxAttempts    int
	InitialBackoff time.Duration // zero means 100ms
	MaxBackoff     time.Duration // zero means 5s
	Multiplier     float64       // zero means 2
}

// DefaultRetry is the policy a client uses unless WithRetry says otherwise.
var DefaultRetry = RetrySettings{MaxAttempts: 5, InitialBackoff: 100 * time.Millisecond, MaxBackoff: 5 * time.Second, Multiplier: 2}

func (r RetrySettings) withDefaults() RetrySettings {
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = DefaultRetry.MaxAttempts
	}
	if r.InitialBackoff <= 0 {
		r.InitialBackoff = DefaultRetry.InitialBackoff
	}
	if r.MaxBackoff <= 0 {
		r.MaxBackoff = DefaultRetry.MaxBackoff
	}
	if r.Multiplier < 1 {
		r.Multiplier = DefaultRetry.Multiplier
	}
	return r
}

// ListOption narrows or orders a List call.
type ListOption func(*listSettings)

type listSettings struct {
	pageSize int32
	filter   string
	orderBy  string
}

// WithPageSize sets how many items each page call asks for (the server's default otherwise,
// 100; at most 1000). The iterator still yields every item.
func WithPageSize(n int32) ListOption { return func(s *listSettings) { s.pageSize = n } }

// WithFilter sets the list's filter, in the syntax of the RPC's filter field (ListExperiments,
// ListRuns, ListArtifacts).
func WithFilter(filter string) ListOption { return func(s *listSettings) { s.filter = filter } }

// WithOrderBy sets the list's order, such as "create_time desc" (ListExperiments, ListRuns).
func WithOrderBy(orderBy string) ListOption { return func(s *listSettings) { s.orderBy = orderBy } }

func listSettingsOf(opts []ListOption) listSettings {
	var s listSettings
	for _, opt := range opts {
		opt(&s)
	}
	return s
}
