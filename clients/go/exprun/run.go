package exprun

import (
	"context"
	"iter"
	"strings"
	"time"

	"github.com/exprun/exprun/clients/go/exprunv1"
)

// Run is a handle on one ExperimentRun. It holds only the name; every method is one call (or,
// for lists, one call per page). It is safe for concurrent use.
type Run struct {
	client *Client
	name   string
}

// Name is the full name "projects/P/locations/L/experiments/E/runs/R".
func (r *Run) Name() string { return r.name }

// ID is the run ID, the R of the name.
func (r *Run) ID() string { return segment(r.name, "runs") }

// Experiment is the experiment ID, the E of the name.
func (r *Run) Experiment() string { return segment(r.name, "experiments") }

// Client is the client the run was made by.
func (r *Run) Client() *Client { return r.client }

// Get reads the run: state, params, metrics, times and the names of its time series.
func (r *Run) Get(ctx context.Context) (*exprunv1.Run, error) {
	return retried(ctx, r.client, r.client.stub.GetRun, &exprunv1.GetRunRequest{Name: r.name})
}

// State reads the run's state.
func (r *Run) State(ctx context.Context) (RunState, error) {
	run, err := r.Get(ctx)
	return run.GetState(), err
}

// Delete deletes the run with its time series, artifacts and links.
func (r *Run) Delete(ctx context.Context) error {
	_, err := call(ctx, r.client.stub.DeleteRun, &exprunv1.DeleteRunRequest{Name: r.name})
	return err
}

// End ends the run as RUN_STATE_COMPLETE (the SDK's end_run).
func (r *Run) End(ctx context.Context) error {
	return r.EndWithState(ctx, RunStateComplete)
}

// EndWithState ends the run in the given state, such as RUN_STATE_FAILED.
func (r *Run) EndWithState(ctx context.Context, state RunState) error {
	_, err := retried(ctx, r.client, r.client.stub.EndRun, &exprunv1.EndRunRequest{Name: r.name, State: state})
	return err
}

// UpdateState sets the run's state (the SDK's update_state).
func (r *Run) UpdateState(ctx context.Context, state RunState) error {
	_, err := retried(ctx, r.client, r.client.stub.UpdateRunState, &exprunv1.UpdateRunStateRequest{Name: r.name, State: state})
	return err
}

// Heartbeat tells the server the run's producer is alive and returns the run's state.
func (r *Run) Heartbeat(ctx context.Context) (RunState, error) {
	response, err := retried(ctx, r.client, r.client.stub.Heartbeat, &exprunv1.HeartbeatRequest{Run: r.name})
	return response.GetState(), err
}

// LogParams merges params into the run, key by key. Values are float64 (or float32), integers
// or strings; see the package's value rules.
func (r *Run) LogParams(ctx context.Context, params map[string]any) error {
	values, err := toValueMap(params)
	if err != nil {
		return err
	}
	_, err = retried(ctx, r.client, r.client.stub.LogParams, &exprunv1.LogParamsRequest{Run: r.name, Params: values})
	return err
}

// Params reads the run's params: float64, int64 or string values.
func (r *Run) Params(ctx context.Context) (map[string]any, error) {
	response, err := retried(ctx, r.client, r.client.stub.GetParams, &exprunv1.GetParamsRequest{Run: r.name})
	if err != nil {
		return nil, err
	}
	return fromValueMap(response.GetParams()), nil
}

// LogMetrics merges summary metrics into the run, key by key. Values as for LogParams.
func (r *Run) LogMetrics(ctx context.Context, metrics map[string]any) error {
	values, err := toValueMap(metrics)
	if err != nil {
		return err
	}
	_, err = retried(ctx, r.client, r.client.stub.LogMetrics, &exprunv1.LogMetricsRequest{Run: r.name, Metrics: values})
	return err
}

// Metrics reads the run's summary metrics: float64, int64 or string values.
func (r *Run) Metrics(ctx context.Context) (map[string]any, error) {
	response, err := retried(ctx, r.client, r.client.stub.GetMetrics, &exprunv1.GetMetricsRequest{Run: r.name})
	if err != nil {
		return nil, err
	}
	return fromValueMap(response.GetMetrics()), nil
}

// ClassificationMetrics is a confusion matrix and/or an ROC curve: Labels with Matrix, and/or
// FPR, TPR and Threshold of equal length.
type ClassificationMetrics struct {
	// Name is output only: the server-made resource name.
	Name        string
	DisplayName string
	Labels      []string
	// Matrix has one row per label, one count per label in each row.
	Matrix    [][]float64
	FPR       []float64
	TPR       []float64
	Threshold []float64
	// CreateTime is output only.
	CreateTime time.Time
}

func (m *ClassificationMetrics) toProto() *exprunv1.ClassificationMetrics {
	rows := make([]*exprunv1.MatrixRow, len(m.Matrix))
	for i, row := range m.Matrix {
		rows[i] = &exprunv1.MatrixRow{Values: row}
	}
	return &exprunv1.ClassificationMetrics{
		DisplayName: m.DisplayName,
		Labels:      m.Labels,
		Matrix:      rows,
		Fpr:         m.FPR,
		Tpr:         m.TPR,
		Threshold:   m.Threshold,
	}
}

func classificationMetricsFromProto(p *exprunv1.ClassificationMetrics) ClassificationMetrics {
	matrix := make([][]float64, len(p.GetMatrix()))
	for i, row := range p.GetMatrix() {
		matrix[i] = row.GetValues()
	}
	m := ClassificationMetrics{
		Name:        p.GetName(),
		DisplayName: p.GetDisplayName(),
		Labels:      p.GetLabels(),
		Matrix:      matrix,
		FPR:         p.GetFpr(),
		TPR:         p.GetTpr(),
		Threshold:   p.GetThreshold(),
	}
	if p.GetCreateTime() != nil {
		m.CreateTime = p.GetCreateTime().AsTime()
	}
	return m
}

// LogClassificationMetrics logs a confusion matrix and/or ROC curve (the SDK's
// log_classification_metrics) and returns it as stored, with its name.
func (r *Run) LogClassificationMetrics(ctx context.Context, metrics ClassificationMetrics) (ClassificationMetrics, error) {
	stored, err := call(ctx, r.client.stub.LogClassificationMetrics, &exprunv1.LogClassificationMetricsRequest{
		Parent:                r.name,
		ClassificationMetrics: metrics.toProto(),
	})
	if err != nil {
		return ClassificationMetrics{}, err
	}
	return classificationMetricsFromProto(stored), nil
}

// ListClassificationMetrics lists the run's classification metrics, oldest first, page by page.
func (r *Run) ListClassificationMetrics(ctx context.Context, opts ...ListOption) iter.Seq2[ClassificationMetrics, error] {
	s := listSettingsOf(opts)
	return pages(ctx, func(ctx context.Context, token string) ([]ClassificationMetrics, string, error) {
		page, err := retried(ctx, r.client, r.client.stub.ListClassificationMetrics, &exprunv1.ListClassificationMetricsRequest{
			Parent: r.name, PageSize: s.pageSize, PageToken: token,
		})
		items := make([]ClassificationMetrics, len(page.GetClassificationMetrics()))
		for i, m := range page.GetClassificationMetrics() {
			items[i] = classificationMetricsFromProto(m)
		}
		return items, page.GetNextPageToken(), err
	})
}

// AssignBackingTensorboard assigns the Vertex TensorBoard that backs the run's time series
// ("projects/P/locations/L/tensorboards/T", or the ID T in the client's project and location).
// An error matching ErrFailedPrecondition if another one is assigned.
func (r *Run) AssignBackingTensorboard(ctx context.Context, tensorboard string) (*exprunv1.Run, error) {
	return retried(ctx, r.client, r.client.stub.AssignBackingTensorboard, &exprunv1.AssignBackingTensorboardRequest{
		Run: r.name, Tensorboard: r.client.inLocation(tensorboard, "tensorboards"),
	})
}

// segment is the ID after collection in a resource name ("" if absent).
func segment(name, collection string) string {
	parts := strings.Split(name, "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == collection {
			return parts[i+1]
		}
	}
	return ""
}
