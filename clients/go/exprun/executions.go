package exprun

import (
	"context"
	"iter"

	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// Executions and artifacts live in the location's Vertex Metadata store:
// "projects/P/locations/L/metadataStores/default/executions/E" and ".../artifacts/A". Every
// method here takes an ID in the client's project and location or such a full name.

const (
	executionsCollection = "metadataStores/default/executions"
	artifactsCollection  = "metadataStores/default/artifacts"
)

// ExecutionName is the full name of an execution ID in the client's project and location; a
// full name is returned as is.
func (c *Client) ExecutionName(execution string) string {
	return c.inLocation(execution, executionsCollection)
}

// ArtifactName is the full name of an artifact ID in the client's project and location; a full
// name is returned as is.
func (c *Client) ArtifactName(artifact string) string {
	return c.inLocation(artifact, artifactsCollection)
}

// CreateExecution creates an execution (the SDK's Execution.create) with the ID executionID
// ("" for a server-made one). execution may carry a display name, schema title (default
// system.ContainerExecution), state (default RUNNING), metadata and description; its name is
// ignored. An existing ID is an error matching ErrAlreadyExists.
func (c *Client) CreateExecution(ctx context.Context, executionID string, execution *exprunv1.Execution) (*exprunv1.Execution, error) {
	return call(ctx, c.stub.CreateExecution, &exprunv1.CreateExecutionRequest{
		Parent: c.Parent(), ExecutionId: executionID, Execution: execution,
	})
}

// GetExecution gets an execution; a missing one is an error matching ErrNotFound.
func (c *Client) GetExecution(ctx context.Context, execution string) (*exprunv1.Execution, error) {
	return retried(ctx, c, c.stub.GetExecution, &exprunv1.GetExecutionRequest{Name: c.ExecutionName(execution)})
}

// UpdateExecution changes the fields named in paths ("state", "display_name", "description",
// "metadata"; metadata is merged key by key) of the execution named by execution.Name (an ID
// or a full name), as the SDK's Execution.update.
func (c *Client) UpdateExecution(ctx context.Context, execution *exprunv1.Execution, paths ...string) (*exprunv1.Execution, error) {
	named := &exprunv1.Execution{
		Name:        c.ExecutionName(execution.GetName()),
		DisplayName: execution.GetDisplayName(),
		SchemaTitle: execution.GetSchemaTitle(),
		State:       execution.GetState(),
		Metadata:    execution.GetMetadata(),
		Description: execution.GetDescription(),
	}
	return retried(ctx, c, c.stub.UpdateExecution, &exprunv1.UpdateExecutionRequest{
		Execution: named, UpdateMask: &fieldmaskpb.FieldMask{Paths: paths},
	})
}

// AddExecutionEvents records artifacts (IDs or full names) as inputs and outputs of an
// execution (the SDK's assign_input_artifacts / assign_output_artifacts). Recording one again
// changes nothing.
func (c *Client) AddExecutionEvents(ctx context.Context, execution string, inputs, outputs []string) error {
	request := &exprunv1.AddExecutionEventsRequest{Execution: c.ExecutionName(execution)}
	for _, a := range inputs {
		request.InputArtifacts = append(request.InputArtifacts, c.ArtifactName(a))
	}
	for _, a := range outputs {
		request.OutputArtifacts = append(request.OutputArtifacts, c.ArtifactName(a))
	}
	_, err := retried(ctx, c, c.stub.AddExecutionEvents, request)
	return err
}

// QueryExecutionInputsAndOutputs is the input and output artifacts of an execution, each in
// the order they were recorded (the SDK's get_input_artifacts / get_output_artifacts).
func (c *Client) QueryExecutionInputsAndOutputs(ctx context.Context, execution string) (inputs, outputs []*exprunv1.Artifact, err error) {
	response, err := retried(ctx, c, c.stub.QueryExecutionInputsAndOutputs, &exprunv1.QueryExecutionInputsAndOutputsRequest{
		Execution: c.ExecutionName(execution),
	})
	return response.GetInputs(), response.GetOutputs(), err
}

// AssociateExecution associates an execution with the run (the SDK's associate_execution):
// with the Name (ID or full name) of an existing execution, that one; otherwise one is created
// from execution's fields (with the ID of its Name, or a server-made one).
func (r *Run) AssociateExecution(ctx context.Context, execution *exprunv1.Execution) (*exprunv1.Execution, error) {
	body := &exprunv1.Execution{
		DisplayName: execution.GetDisplayName(),
		SchemaTitle: execution.GetSchemaTitle(),
		State:       execution.GetState(),
		Metadata:    execution.GetMetadata(),
		Description: execution.GetDescription(),
	}
	if execution.GetName() != "" {
		body.Name = r.client.ExecutionName(execution.GetName())
	}
	return call(ctx, r.client.stub.AssociateExecution, &exprunv1.AssociateExecutionRequest{Run: r.name, Execution: body})
}

// ListExecutions lists the executions associated with the run (the SDK's get_executions).
func (r *Run) ListExecutions(ctx context.Context, opts ...ListOption) iter.Seq2[*exprunv1.Execution, error] {
	s := listSettingsOf(opts)
	return pages(ctx, func(ctx context.Context, token string) ([]*exprunv1.Execution, string, error) {
		page, err := retried(ctx, r.client, r.client.stub.ListExecutions, &exprunv1.ListExecutionsRequest{
			Parent: r.name, PageSize: s.pageSize, PageToken: token,
		})
		return page.GetExecutions(), page.GetNextPageToken(), err
	})
}

// ListArtifacts lists the run's artifacts (the SDK's get_artifacts): its TensorBoard run link,
// classification metrics, models. WithFilter(`schema_title = "google.ExperimentModel"`) lists
// one kind.
func (r *Run) ListArtifacts(ctx context.Context, opts ...ListOption) iter.Seq2[*exprunv1.Artifact, error] {
	s := listSettingsOf(opts)
	return pages(ctx, func(ctx context.Context, token string) ([]*exprunv1.Artifact, string, error) {
		page, err := retried(ctx, r.client, r.client.stub.ListArtifacts, &exprunv1.ListArtifactsRequest{
			Parent: r.name, PageSize: s.pageSize, PageToken: token, Filter: s.filter,
		})
		return page.GetArtifacts(), page.GetNextPageToken(), err
	})
}
