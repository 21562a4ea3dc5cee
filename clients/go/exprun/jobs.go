package exprun

import (
	"context"
	"iter"

	"github.com/exprun/exprun/clients/go/exprunv1"
)

// LogPipelineJob links a Vertex pipeline job to the run (the SDK's log(pipeline_job=...)): a
// full "projects/P/locations/L/pipelineJobs/J" name or the ID J in the client's project and
// location. Linking it again changes nothing.
func (r *Run) LogPipelineJob(ctx context.Context, pipelineJob string) (*exprunv1.PipelineJobLink, error) {
	return retried(ctx, r.client, r.client.stub.LogPipelineJob, &exprunv1.LogPipelineJobRequest{
		Run: r.name, PipelineJob: r.client.inLocation(pipelineJob, "pipelineJobs"),
	})
}

// ListPipelineJobs lists the pipeline jobs linked to the run (the SDK's get_logged_pipeline_jobs).
func (r *Run) ListPipelineJobs(ctx context.Context, opts ...ListOption) iter.Seq2[*exprunv1.PipelineJobLink, error] {
	s := listSettingsOf(opts)
	return pages(ctx, func(ctx context.Context, token string) ([]*exprunv1.PipelineJobLink, string, error) {
		page, err := retried(ctx, r.client, r.client.stub.ListPipelineJobs, &exprunv1.ListPipelineJobsRequest{
			Parent: r.name, PageSize: s.pageSize, PageToken: token,
		})
		return page.GetPipelineJobs(), page.GetNextPageToken(), err
	})
}

// LogCustomJob links a Vertex custom job to the run (what the SDK's CustomJob does for a run it
// trains in): a full "projects/P/locations/L/customJobs/J" name or the ID J in the client's
// project and location. Linking it again changes nothing.
func (r *Run) LogCustomJob(ctx context.Context, customJob string) (*exprunv1.CustomJobLink, error) {
	return retried(ctx, r.client, r.client.stub.LogCustomJob, &exprunv1.LogCustomJobRequest{
		Run: r.name, CustomJob: r.client.inLocation(customJob, "customJobs"),
	})
}

// ListCustomJobs lists the custom jobs linked to the run (the SDK's get_logged_custom_jobs).
func (r *Run) ListCustomJobs(ctx context.Context, opts ...ListOption) iter.Seq2[*exprunv1.CustomJobLink, error] {
	s := listSettingsOf(opts)
	return pages(ctx, func(ctx context.Context, token string) ([]*exprunv1.CustomJobLink, string, error) {
		page, err := retried(ctx, r.client, r.client.stub.ListCustomJobs, &exprunv1.ListCustomJobsRequest{
			Parent: r.name, PageSize: s.pageSize, PageToken: token,
		})
		return page.GetCustomJobs(), page.GetNextPageToken(), err
	})
}
