package exprun

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// richStatus is what the server sends for a NaN metric: INVALID_ARGUMENT, one ErrorInfo and a
// BadRequest naming the field.
func richStatus(t *testing.T) *spb.Status {
	t.Helper()
	info, err := anypb.New(&errdetails.ErrorInfo{
		Reason:   "INVALID_ARGUMENT",
		Domain:   "exprun.dev",
		Metadata: map[string]string{"field": "metrics['bad']"},
	})
	if err != nil {
		t.Fatal(err)
	}
	badRequest, err := anypb.New(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
		{Field: "metrics['bad']", Description: "must be finite"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return &spb.Status{Code: int32(codes.InvalidArgument), Message: "bad metrics", Details: []*anypb.Any{info, badRequest}}
}

func TestFromStatusLiftsErrorInfoAndFieldViolations(t *testing.T) {
	e := FromStatus(richStatus(t))
	if e.Code != codes.InvalidArgument || e.Message != "bad metrics" {
		t.Fatalf("code %v message %q", e.Code, e.Message)
	}
	if e.Reason != "INVALID_ARGUMENT" || e.Domain != "exprun.dev" || e.Metadata["field"] != "metrics['bad']" {
		t.Fatalf("error info %q %q %v", e.Reason, e.Domain, e.Metadata)
	}
	want := []FieldViolation{{Field: "metrics['bad']", Description: "must be finite"}}
	if !reflect.DeepEqual(e.FieldViolations, want) {
		t.Fatalf("field violations %v", e.FieldViolations)
	}
	if !reflect.DeepEqual(e.Fields(), []string{"metrics['bad']"}) {
		t.Fatalf("fields %v", e.Fields())
	}
	if e.Error() != "INVALID_ARGUMENT: bad metrics" {
		t.Fatalf("Error() = %q", e.Error())
	}
}

func TestFromStatusReadsTheRetryInfoDelay(t *testing.T) {
	retry, err := anypb.New(&errdetails.RetryInfo{RetryDelay: durationpb.New(1500 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	e := FromStatus(&spb.Status{Code: int32(codes.ResourceExhausted), Message: "disk full", Details: []*anypb.Any{retry}})
	if delay, ok := e.RetryDelay(); !ok || delay != 1500*time.Millisecond {
		t.Fatalf("RetryDelay() = %v, %v", delay, ok)
	}
	if _, ok := FromStatus(richStatus(t)).RetryDelay(); ok {
		t.Fatal("a status without RetryInfo has a retry delay")
	}
}

func TestDecodeStatusDetailsReadsTheTrailerBytes(t *testing.T) {
	raw, err := proto.Marshal(richStatus(t))
	if err != nil {
		t.Fatal(err)
	}
	e, err := DecodeStatusDetails(raw)
	if err != nil {
		t.Fatal(err)
	}
	if e.Code != codes.InvalidArgument || len(e.FieldViolations) != 1 || e.Reason != "INVALID_ARGUMENT" {
		t.Fatalf("decoded %+v", e)
	}
	if _, err := DecodeStatusDetails([]byte{0xff, 0xff}); err == nil {
		t.Fatal("garbage decoded without an error")
	}
}

func TestFromCallDecodesTheStatusDetailsTrailer(t *testing.T) {
	raw, err := proto.Marshal(richStatus(t))
	if err != nil {
		t.Fatal(err)
	}
	trailer := metadata.Pairs(StatusDetailsTrailer, string(raw))
	callErr := status.Error(codes.InvalidArgument, "bad metrics") // a status without details
	var e *Error
	if !errors.As(fromCall(callErr, trailer), &e) || len(e.FieldViolations) != 1 || e.Domain != "exprun.dev" {
		t.Fatalf("fromCall = %+v", e)
	}
	// A trailer that disagrees with the call's code is not trusted.
	mismatch := status.Error(codes.Internal, "boom")
	if !errors.As(fromCall(mismatch, trailer), &e) || e.Code != codes.Internal || len(e.FieldViolations) != 0 {
		t.Fatalf("fromCall with a mismatched trailer = %+v", e)
	}
}

func TestFromErrorTypesStatusErrors(t *testing.T) {
	callErr := status.ErrorProto(richStatus(t))
	err := FromError(callErr)
	if !errors.Is(err, ErrInvalidArgument) || errors.Is(err, ErrNotFound) {
		t.Fatalf("errors.Is on %v", err)
	}
	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("status.Code = %v", status.Code(err))
	}
	var e *Error
	if !errors.As(fmt.Errorf("wrapped: %w", err), &e) || len(e.FieldViolations) != 1 {
		t.Fatalf("errors.As through a wrap: %+v", e)
	}
	if FromError(nil) != nil {
		t.Fatal("FromError(nil) != nil")
	}
	if !errors.As(FromError(errors.New("local")), &e) || e.Code != codes.Unknown {
		t.Fatalf("a non-status error became %+v", e)
	}
}

func TestSentinelsMatchCodeAndReason(t *testing.T) {
	full := clientError(codes.ResourceExhausted, ReasonWriterBufferFull, "full", nil)
	if !errors.Is(full, ErrBufferFull) || !errors.Is(full, ErrResourceExhausted) {
		t.Fatal("a buffer-full error does not match its sentinels")
	}
	other := clientError(codes.ResourceExhausted, "QUOTA", "quota", nil)
	if errors.Is(other, ErrBufferFull) || !errors.Is(other, ErrResourceExhausted) {
		t.Fatal("a reason sentinel matched another reason")
	}
	if errors.Is(full, full) != true || errors.Is(other, full) {
		t.Fatal("a non-sentinel *Error matched another error")
	}
	if CodeName(codes.FailedPrecondition) != "FAILED_PRECONDITION" {
		t.Fatalf("CodeName = %s", CodeName(codes.FailedPrecondition))
	}
}
