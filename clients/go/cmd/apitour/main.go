// Command apitour calls every RPC of exprun.v1.ExperimentRunService through the Go layer against
// the server at EXPRUN_TARGET (default 127.0.0.1:50051), checks what each returns, and fails
// unless the calls it saw on the wire cover the whole service. It works in a new experiment
// of project "polyglot-ci", which it deletes at the end; it prints "apitour: N/N RPCs ok".
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/exprun/exprun/clients/go/exprun"
	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/structpb"
)

// seen records the full method names of the calls made, as the interceptors see them.
var seen = struct {
	sync.Mutex
	methods map[string]bool
}{methods: map[string]bool{}}

func record(method string) {
	seen.Lock()
	defer seen.Unlock()
	seen.methods[method] = true
}

func main() {
	if err := tour(); err != nil {
		fmt.Fprintln(os.Stderr, "apitour: FAILED:", err)
		os.Exit(1)
	}
}

func tour() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	tag := hex.EncodeToString(suffix)
	experiment := "apitour-" + tag
	client, err := exprun.NewClient(ctx,
		exprun.WithProject("polyglot-ci"),
		exprun.WithExperiment(experiment),
		exprun.WithDialOptions(
			grpc.WithChainUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
				record(method)
				return invoker(ctx, method, req, reply, cc, opts...)
			}),
			grpc.WithChainStreamInterceptor(func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
				record(method)
				return streamer(ctx, desc, cc, method, opts...)
			}),
		),
	)
	if err != nil {
		return err
	}
	defer client.Close()

	steps := []struct {
		name string
		do   func(context.Context, *exprun.Client, string) error
	}{
		{"experiments", experiments},
		{"runs and values", runsAndValues},
		{"time series", timeSeries},
		{"executions, models and artifacts", executionsModelsArtifacts},
		{"job links", jobLinks},
		{"end and delete", endAndDelete},
	}
	for _, step := range steps {
		if err := step.do(ctx, client, tag); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
		fmt.Printf("apitour: %s ok\n", step.name)
	}

	var all, missing []string
	service := exprunv1.ExperimentRunService_ServiceDesc
	for _, m := range service.Methods {
		all = append(all, m.MethodName)
	}
	for _, s := range service.Streams {
		all = append(all, s.StreamName)
	}
	sort.Strings(all)
	for _, name := range all {
		if !seen.methods["/"+service.ServiceName+"/"+name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%d of %d RPCs were not called: %v", len(missing), len(all), missing)
	}
	fmt.Printf("apitour: %d/%d RPCs ok\n", len(all), len(all))
	return nil
}

func experiments(ctx context.Context, client *exprun.Client, tag string) error {
	created, err := client.CreateExperiment(ctx, "", &exprunv1.Experiment{Description: "the Go API tour"})
	if err != nil {
		return err
	}
	got, err := client.GetExperiment(ctx, "")
	if err != nil {
		return err
	}
	if got.GetName() != created.GetName() || got.GetDescription() != "the Go API tour" {
		return fmt.Errorf("got experiment %v", got)
	}
	listed, err := exprun.Collect(client.ListExperiments(ctx, exprun.WithFilter(`experiment_id = "apitour-`+tag+`"`)))
	if err != nil {
		return err
	}
	if len(listed) != 1 || listed[0].GetName() != created.GetName() {
		return fmt.Errorf("ListExperiments gave %v", listed)
	}
	return nil
}

func runsAndValues(ctx context.Context, client *exprun.Client, _ string) error {
	run, err := client.CreateRun(ctx, "tour")
	if err != nil {
		return err
	}
	if _, err := client.CreateRun(ctx, "tour"); !errors.Is(err, exprun.ErrAlreadyExists) {
		return fmt.Errorf("a second CreateRun gave %v", err)
	}
	if _, err := client.GetRun(ctx, "tour"); err != nil {
		return err
	}
	runs, err := exprun.Collect(client.ListRuns(ctx, "", exprun.WithPageSize(1)))
	if err != nil {
		return err
	}
	if len(runs) != 1 || runs[0].GetName() != run.Name() {
		return fmt.Errorf("ListRuns gave %v", runs)
	}
	if state, err := run.Heartbeat(ctx); err != nil || state != exprun.RunStateRunning {
		return fmt.Errorf("Heartbeat gave %v, %v", state, err)
	}
	if err := run.UpdateState(ctx, exprun.RunStateRunning); err != nil {
		return err
	}
	if err := run.LogParams(ctx, map[string]any{"lr": 0.1, "layers": 2, "optimizer": "sgd"}); err != nil {
		return err
	}
	if params, err := run.Params(ctx); err != nil || !reflect.DeepEqual(params, map[string]any{"lr": 0.1, "layers": int64(2), "optimizer": "sgd"}) {
		return fmt.Errorf("Params gave %v, %v", params, err)
	}
	if err := run.LogMetrics(ctx, map[string]any{"accuracy": 0.5}); err != nil {
		return err
	}
	if metrics, err := run.Metrics(ctx); err != nil || !reflect.DeepEqual(metrics, map[string]any{"accuracy": 0.5}) {
		return fmt.Errorf("Metrics gave %v, %v", metrics, err)
	}
	if _, err := run.LogClassificationMetrics(ctx, exprun.ClassificationMetrics{DisplayName: "cm", Labels: []string{"a", "b"}, Matrix: [][]float64{{1, 0}, {0, 1}}}); err != nil {
		return err
	}
	cms, err := exprun.Collect(run.ListClassificationMetrics(ctx))
	if err != nil || len(cms) != 1 || cms[0].DisplayName != "cm" {
		return fmt.Errorf("ListClassificationMetrics gave %v, %v", cms, err)
	}
	tensorboard := "projects/polyglot-ci/locations/us-central1/tensorboards/tour"
	if _, err := run.AssignBackingTensorboard(ctx, tensorboard); err != nil {
		return fmt.Errorf("AssignBackingTensorboard: %w", err)
	}
	return nil
}

func timeSeries(ctx context.Context, client *exprun.Client, _ string) error {
	run, err := client.Run("tour")
	if err != nil {
		return err
	}
	result, err := run.WriteTimeSeries(ctx, []exprun.Series{{Metric: "loss", Steps: []int64{1, 2, 3}, Values: []float64{1, 0.5, 0.25}}}, exprun.WriteOptions{WriterID: "tour-unary", Sequence: 1})
	if err != nil || result.PointsWritten != 3 || result.CommittedSequence != 1 {
		return fmt.Errorf("WriteTimeSeries gave %+v, %v", result, err)
	}
	writer, err := run.NewTimeSeriesWriter(exprun.WriterOptions{})
	if err != nil {
		return err
	}
	for _, value := range []float64{0.125, 0.0625} {
		if err := writer.LogNext(ctx, map[string]float64{"loss": value}); err != nil {
			return err
		}
	}
	if err := writer.Close(ctx); err != nil {
		return err
	}
	series, err := run.ReadAllTimeSeries(ctx, exprun.ReadOptions{Metrics: []string{"loss"}})
	if err != nil {
		return err
	}
	loss := series["loss"]
	if loss == nil || !reflect.DeepEqual(loss.Steps, []int64{1, 2, 3, 4, 5}) || !reflect.DeepEqual(loss.Values, []float64{1, 0.5, 0.25, 0.125, 0.0625}) {
		return fmt.Errorf("read back %+v", loss)
	}
	return nil
}

func executionsModelsArtifacts(ctx context.Context, client *exprun.Client, tag string) error {
	run, err := client.Run("tour")
	if err != nil {
		return err
	}
	metadata, _ := structpb.NewStruct(map[string]any{"stage": "prepare"})
	prepare, err := client.CreateExecution(ctx, "tour-"+tag, &exprunv1.Execution{DisplayName: "prepare", Metadata: metadata})
	if err != nil {
		return err
	}
	if _, err := client.UpdateExecution(ctx, &exprunv1.Execution{Name: "tour-" + tag, State: exprun.RunStateComplete}, "state"); err != nil {
		return err
	}
	if got, err := client.GetExecution(ctx, prepare.GetName()); err != nil || got.GetState() != exprun.RunStateComplete {
		return fmt.Errorf("GetExecution gave %v, %v", got, err)
	}
	if _, err := run.AssociateExecution(ctx, &exprunv1.Execution{Name: "tour-" + tag}); err != nil {
		return err
	}
	executions, err := exprun.Collect(run.ListExecutions(ctx))
	if err != nil || len(executions) != 1 || executions[0].GetName() != prepare.GetName() {
		return fmt.Errorf("ListExecutions gave %v, %v", executions, err)
	}

	dir, err := os.MkdirTemp("", "exprun-apitour-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files := map[string][]byte{"model.txt": []byte("weights"), "meta/info.json": []byte(`{"v": 1}`)}
	for path, data := range files {
		target := filepath.Join(dir, "model", filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o600); err != nil {
			return err
		}
	}
	model, err := run.LogModel(ctx, &exprunv1.ExperimentModel{FrameworkName: "custom", DisplayName: "tour-model", ModelFile: "model.txt"}, filepath.Join(dir, "model"))
	if err != nil {
		return err
	}
	if len(model.GetFiles()) != 2 {
		return fmt.Errorf("LogModel stored %v", model.GetFiles())
	}
	models, err := exprun.Collect(run.ListExperimentModels(ctx))
	if err != nil || len(models) != 1 || models[0].GetName() != model.GetName() {
		return fmt.Errorf("ListExperimentModels gave %v, %v", models, err)
	}
	got, err := client.GetExperimentModel(ctx, model.GetName())
	if err != nil || got.GetName() != model.GetName() || got.GetModelFile() != "model.txt" {
		return fmt.Errorf("GetExperimentModel gave %v, %v", got, err)
	}
	out := filepath.Join(dir, "download")
	if err := client.DownloadModelTo(ctx, model.GetName(), out); err != nil {
		return err
	}
	for path, data := range files {
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(path)))
		if err != nil || !bytes.Equal(got, data) {
			return fmt.Errorf("downloaded %s: %q, %v", path, got, err)
		}
	}
	artifacts, err := exprun.Collect(run.ListArtifacts(ctx, exprun.WithFilter(`schema_title = "google.ExperimentModel"`)))
	if err != nil || len(artifacts) != 1 || artifacts[0].GetName() != model.GetName() {
		return fmt.Errorf("ListArtifacts gave %v, %v", artifacts, err)
	}
	if err := client.AddExecutionEvents(ctx, prepare.GetName(), nil, []string{model.GetName()}); err != nil {
		return err
	}
	_, outputs, err := client.QueryExecutionInputsAndOutputs(ctx, prepare.GetName())
	if err != nil || len(outputs) != 1 || outputs[0].GetName() != model.GetName() {
		return fmt.Errorf("QueryExecutionInputsAndOutputs gave %v, %v", outputs, err)
	}
	return nil
}

func jobLinks(ctx context.Context, client *exprun.Client, _ string) error {
	run, err := client.Run("tour")
	if err != nil {
		return err
	}
	if _, err := run.LogPipelineJob(ctx, "pipeline-1"); err != nil {
		return err
	}
	if _, err := run.LogCustomJob(ctx, "custom-1"); err != nil {
		return err
	}
	pipelines, err := exprun.Collect(run.ListPipelineJobs(ctx))
	if err != nil || len(pipelines) != 1 || !strings.HasSuffix(pipelines[0].GetPipelineJob(), "/locations/us-central1/pipelineJobs/pipeline-1") {
		return fmt.Errorf("ListPipelineJobs gave %v, %v", pipelines, err)
	}
	customs, err := exprun.Collect(run.ListCustomJobs(ctx))
	if err != nil || len(customs) != 1 || !strings.HasSuffix(customs[0].GetCustomJob(), "/customJobs/custom-1") {
		return fmt.Errorf("ListCustomJobs gave %v, %v", customs, err)
	}
	return nil
}

func endAndDelete(ctx context.Context, client *exprun.Client, _ string) error {
	run, err := client.Run("tour")
	if err != nil {
		return err
	}
	if err := run.End(ctx); err != nil {
		return err
	}
	if state, err := run.State(ctx); err != nil || state != exprun.RunStateComplete {
		return fmt.Errorf("State after End gave %v, %v", state, err)
	}
	if err := run.Delete(ctx); err != nil {
		return err
	}
	if _, err := run.Get(ctx); !errors.Is(err, exprun.ErrNotFound) {
		return fmt.Errorf("Get after Delete gave %v", err)
	}
	if err := client.DeleteExperiment(ctx, ""); err != nil {
		return err
	}
	if _, err := client.GetExperiment(ctx, ""); !errors.Is(err, exprun.ErrNotFound) {
		return fmt.Errorf("GetExperiment after DeleteExperiment gave %v", err)
	}
	return nil
}
