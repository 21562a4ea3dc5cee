package exprun

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/exprun/exprun/clients/go/exprunv1"
	"google.golang.org/grpc/codes"
)

// modelChunkBytes is the size of the LogModel upload's chunks (the server takes at most 1 MiB).
const modelChunkBytes = 1 << 20

// LogModel logs a model to the run as a google.ExperimentModel artifact (the SDK's log_model)
// and returns it as stored. model needs a FrameworkName ("sklearn", "custom", ...).
//
// With dir == "", the model is logged by reference: model.Uri must name its directory and
// nothing is uploaded. Otherwise every regular file under dir is uploaded (paths relative to
// dir, in lexical order, in chunks of 1 MiB) and the server sets the Uri. The upload is one
// client-streaming call; its errors are typed like every other call's.
func (r *Run) LogModel(ctx context.Context, model *exprunv1.ExperimentModel, dir string) (*exprunv1.ExperimentModel, error) {
	if model == nil {
		return nil, clientError(codes.InvalidArgument, ReasonInvalidValue, "LogModel needs a model", nil).withField("model", "required")
	}
	var files []localFile
	if dir == "" {
		if model.GetUri() == "" {
			return nil, clientError(codes.InvalidArgument, ReasonInvalidValue, "LogModel needs files (dir) or a model Uri", nil).withField("model.uri", "required without files")
		}
	} else {
		scanned, err := scanModelDir(dir)
		if err != nil {
			return nil, err
		}
		files = scanned
	}
	header := &exprunv1.LogModelHeader{Run: r.name, Model: model}
	for _, f := range files {
		header.Files = append(header.Files, &exprunv1.ModelFile{Path: f.path, SizeBytes: f.size, Sha256: f.sha256})
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := r.client.stub.LogModel(ctx)
	if err != nil {
		return nil, FromError(err)
	}
	// A failed Send means the server ended the call: CloseAndRecv then returns its status.
	if err := stream.Send(&exprunv1.LogModelRequest{Kind: &exprunv1.LogModelRequest_Header{Header: header}}); err == nil {
		err = sendModelFiles(stream, dir, files)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
	}
	stored, err := stream.CloseAndRecv()
	if err != nil {
		return nil, fromCall(err, stream.Trailer())
	}
	return stored, nil
}

type localFile struct {
	path   string // relative, with / separators
	size   int64
	sha256 string
}

// scanModelDir lists the regular files under dir with their sizes and SHA-256 digests.
func scanModelDir(dir string) ([]localFile, error) {
	var files []localFile
	err := filepath.WalkDir(dir, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !entry.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		digest := sha256.New()
		size, err := io.Copy(digest, f)
		if err != nil {
			return err
		}
		files = append(files, localFile{path: filepath.ToSlash(rel), size: size, sha256: hex.EncodeToString(digest.Sum(nil))})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("exprun: reading the model directory %s: %w", dir, err)
	}
	return files, nil
}

// sendModelFiles streams each file's bytes in chunks, files in header order; an empty file is
// one empty chunk.
func sendModelFiles(stream exprunv1.ExperimentRunService_LogModelClient, dir string, files []localFile) error {
	buf := make([]byte, modelChunkBytes)
	for _, file := range files {
		if err := sendModelFile(stream, filepath.Join(dir, filepath.FromSlash(file.path)), file.path, buf); err != nil {
			return err
		}
	}
	return nil
}

func sendModelFile(stream exprunv1.ExperimentRunService_LogModelClient, path, name string, buf []byte) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("exprun: %w", err)
	}
	defer f.Close()
	sent := false
	for {
		n, err := io.ReadFull(f, buf)
		if n > 0 || !sent {
			chunk := &exprunv1.ModelChunk{Path: name, Data: append([]byte(nil), buf[:n]...)}
			if sendErr := stream.Send(&exprunv1.LogModelRequest{Kind: &exprunv1.LogModelRequest_Chunk{Chunk: chunk}}); sendErr != nil {
				return sendErr
			}
			sent = true
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("exprun: reading %s: %w", path, err)
		}
	}
}

// ListExperimentModels lists the models logged to the run (the SDK's get_experiment_models).
func (r *Run) ListExperimentModels(ctx context.Context, opts ...ListOption) iter.Seq2[*exprunv1.ExperimentModel, error] {
	s := listSettingsOf(opts)
	return pages(ctx, func(ctx context.Context, token string) ([]*exprunv1.ExperimentModel, string, error) {
		page, err := retried(ctx, r.client, r.client.stub.ListExperimentModels, &exprunv1.ListExperimentModelsRequest{
			Parent: r.name, PageSize: s.pageSize, PageToken: token,
		})
		return page.GetModels(), page.GetNextPageToken(), err
	})
}

// GetExperimentModel reads a model by its artifact (an ID in the client's project and location,
// or a full name), also after the run that logged it was deleted: models stay unless a delete
// asks for their artifacts too, as in the SDK's get_experiment_model.
func (c *Client) GetExperimentModel(ctx context.Context, model string) (*exprunv1.ExperimentModel, error) {
	return retried(ctx, c, c.stub.GetExperimentModel, &exprunv1.GetExperimentModelRequest{Name: c.ArtifactName(model)})
}

// DownloadModel streams an uploaded model's files (server streaming): each file's bytes in
// chunks of at most 1 MiB, files in the order of the model's Files. model is the artifact (an
// ID in the client's project and location, or a full name). A model logged by reference is an
// error matching ErrFailedPrecondition. A download that fails before its first chunk is
// retried as an idempotent call is. DownloadModelTo writes the files to a directory.
func (c *Client) DownloadModel(ctx context.Context, model string) iter.Seq2[*exprunv1.ModelChunk, error] {
	request := &exprunv1.DownloadModelRequest{Model: c.ArtifactName(model)}
	return retriedStream(ctx, c, func(ctx context.Context, yield func(*exprunv1.ModelChunk, error) bool) (bool, error) {
		stream, err := c.stub.DownloadModel(ctx, request)
		if err != nil {
			return false, FromError(err)
		}
		yielded := false
		for {
			chunk, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				return yielded, nil
			}
			if err != nil {
				return yielded, fromCall(err, stream.Trailer())
			}
			yielded = true
			if !yield(chunk, nil) {
				return yielded, errStopped
			}
		}
	})
}

// DownloadModelTo downloads an uploaded model's files into dir (created if needed), each at its
// relative path.
func (c *Client) DownloadModelTo(ctx context.Context, model, dir string) error {
	var current *os.File
	closeCurrent := func() error {
		if current == nil {
			return nil
		}
		err := current.Close()
		current = nil
		return err
	}
	defer closeCurrent()
	currentPath := ""
	for chunk, err := range c.DownloadModel(ctx, model) {
		if err != nil {
			return err
		}
		if current == nil || chunk.GetPath() != currentPath {
			if err := closeCurrent(); err != nil {
				return err
			}
			rel := filepath.FromSlash(chunk.GetPath())
			if !filepath.IsLocal(rel) || strings.HasPrefix(chunk.GetPath(), "/") {
				return fmt.Errorf("exprun: the server sent a file path outside the model directory: %q", chunk.GetPath())
			}
			target := filepath.Join(dir, rel)
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			f, err := os.Create(target)
			if err != nil {
				return err
			}
			current, currentPath = f, chunk.GetPath()
		}
		if _, err := current.Write(chunk.GetData()); err != nil {
			return err
		}
	}
	return closeCurrent()
}
