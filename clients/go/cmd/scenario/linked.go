package main

import (
	"context"
	"fmt"
	"reflect"

	"github.com/exprun/exprun/clients/go/exprun"
	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/protobuf/types/known/structpb"
)

// Step 5a of SCENARIO.md: the resources linked to a run.
var (
	executionID = "scenario-" + lang + "-train"
	modelURI    = "gs://polyglot-ci/models/" + lang
	pipelineJob = "projects/polyglot-ci/locations/us-central1/pipelineJobs/pipeline-" + lang
	customJob   = "projects/polyglot-ci/locations/us-central1/customJobs/custom-" + lang
)

func linked(ctx context.Context, client *exprun.Client, run *exprun.Run) error {
	metadata, err := structpb.NewStruct(map[string]any{"lang": lang})
	if err != nil {
		return err
	}
	execution, err := run.AssociateExecution(ctx, &exprunv1.Execution{
		Name:        executionID,
		DisplayName: "train",
		SchemaTitle: "system.ContainerExecution",
		State:       exprun.RunStateRunning,
		Metadata:    metadata,
	})
	if err != nil {
		return fmt.Errorf("associate execution: %w", err)
	}
	update, err := structpb.NewStruct(map[string]any{"epochs": 3})
	if err != nil {
		return err
	}
	if _, err := client.UpdateExecution(ctx, &exprunv1.Execution{Name: execution.GetName(), State: exprun.RunStateComplete, Metadata: update}, "state", "metadata"); err != nil {
		return fmt.Errorf("update execution: %w", err)
	}
	model, err := run.LogModel(ctx, &exprunv1.ExperimentModel{
		DisplayName:      "model-" + lang,
		FrameworkName:    "sklearn",
		FrameworkVersion: "1.5.2",
		ModelFile:        "model.pkl",
		Uri:              modelURI,
	}, "")
	if err != nil {
		return fmt.Errorf("log model: %w", err)
	}
	if err := client.AddExecutionEvents(ctx, execution.GetName(), nil, []string{model.GetName()}); err != nil {
		return fmt.Errorf("add execution events: %w", err)
	}
	if _, err := run.LogPipelineJob(ctx, pipelineJob); err != nil {
		return fmt.Errorf("log pipeline job: %w", err)
	}
	if _, err := run.LogCustomJob(ctx, customJob); err != nil {
		return fmt.Errorf("log custom job: %w", err)
	}
	fmt.Printf("scenario %s: execution %s, model %s\n", lang, execution.GetName(), model.GetName())
	return nil
}

func checkLinked(ctx context.Context, client *exprun.Client, run *exprun.Run) error {
	executions, err := exprun.Collect(run.ListExecutions(ctx))
	if err != nil {
		return err
	}
	if len(executions) != 1 || executions[0].GetName() != client.ExecutionName(executionID) {
		return fmt.Errorf("executions %v, want only %s", executions, executionID)
	}
	execution, err := client.GetExecution(ctx, executionID)
	if err != nil {
		return err
	}
	if got := execution.GetMetadata().AsMap(); execution.GetState() != exprun.RunStateComplete || !reflect.DeepEqual(got, map[string]any{"lang": lang, "epochs": 3.0}) {
		return fmt.Errorf("execution state %s, metadata %v", execution.GetState(), got)
	}
	models, err := exprun.Collect(run.ListExperimentModels(ctx))
	if err != nil {
		return err
	}
	if len(models) != 1 || models[0].GetUri() != modelURI || models[0].GetFrameworkName() != "sklearn" || len(models[0].GetFiles()) != 0 {
		return fmt.Errorf("models %v, want one by reference to %s", models, modelURI)
	}
	_, outputs, err := client.QueryExecutionInputsAndOutputs(ctx, executionID)
	if err != nil {
		return err
	}
	if !hasArtifact(outputs, models[0].GetName()) {
		return fmt.Errorf("the execution's outputs %v miss the model %s", outputs, models[0].GetName())
	}
	artifacts, err := exprun.Collect(run.ListArtifacts(ctx))
	if err != nil {
		return err
	}
	schemas := map[string]int{}
	for _, a := range artifacts {
		schemas[a.GetSchemaTitle()]++
	}
	if schemas["google.ExperimentModel"] != 1 || schemas["google.ClassificationMetrics"] != 1 || !hasArtifact(artifacts, models[0].GetName()) {
		return fmt.Errorf("artifacts by schema %v, want one model and one classification metrics", schemas)
	}
	pipelines, err := exprun.Collect(run.ListPipelineJobs(ctx))
	if err != nil {
		return err
	}
	if len(pipelines) != 1 || pipelines[0].GetPipelineJob() != pipelineJob {
		return fmt.Errorf("pipeline jobs %v, want %s", pipelines, pipelineJob)
	}
	customs, err := exprun.Collect(run.ListCustomJobs(ctx))
	if err != nil {
		return err
	}
	if len(customs) != 1 || customs[0].GetCustomJob() != customJob {
		return fmt.Errorf("custom jobs %v, want %s", customs, customJob)
	}
	found := false
	for r, err := range client.ListRuns(ctx, "", exprun.WithFilter(`run_id = "scenario-`+lang+`"`)) {
		if err != nil {
			return err
		}
		found = found || r.GetName() == run.Name()
	}
	if !found {
		return fmt.Errorf("ListRuns does not list %s", run.Name())
	}
	return nil
}

func hasArtifact(artifacts []*exprunv1.Artifact, name string) bool {
	for _, a := range artifacts {
		if a.GetName() == name {
			return true
		}
	}
	return false
}
