package exprun

import (
	"errors"
	"fmt"
	"time"

	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// StatusDetailsTrailer is the trailer that carries the serialized google.rpc.Status of a failed call.
const StatusDetailsTrailer = "grpc-status-details-bin"

// Error is every error a failed exprun call returns: the canonical code, the message, the
// google.rpc.ErrorInfo (reason, domain, metadata) and the google.rpc.BadRequest field violations
// the server put in the grpc-status-details-bin trailer.
//
// Match a kind of failure with errors.Is and the sentinels (errors.Is(err, exprun.ErrNotFound)),
// or read the details with errors.As:
//
//	var e *exprun.Error
//	if errors.As(err, &e) && e.Code == codes.InvalidArgument {
//		for _, v := range e.FieldViolations { ... v.Field ... }
//	}
//
// Error implements GRPCStatus, so status.Code(err) and status.Convert(err) work on it too.
type Error struct {
	// Code is the canonical status code.
	Code codes.Code
	// Message is the server's message.
	Message string
	// Reason is the ErrorInfo reason, in UPPER_SNAKE_CASE ("" without an ErrorInfo).
	Reason string
	// Domain is the ErrorInfo domain: "exprun.dev" for the server, "exprun.client" for this package.
	Domain string
	// Metadata holds the ErrorInfo's dynamic values.
	Metadata map[string]string
	// FieldViolations names each bad field of the request (from google.rpc.BadRequest).
	FieldViolations []FieldViolation

	status     *status.Status
	sentinel   bool
	retryDelay time.Duration
	retryInfo  bool
}

// RetryDelay is the google.rpc.RetryInfo retry_delay of the status, and whether it had one: the
// server's "try again, not before this long" (RESOURCE_EXHAUSTED STORAGE_FULL, SERVER_OVERLOADED, ...).
func (e *Error) RetryDelay() (time.Duration, bool) {
	return e.retryDelay, e.retryInfo
}

// FieldViolation is one google.rpc.BadRequest field violation, such as Field "metrics['bad']".
type FieldViolation struct {
	Field       string
	Description string
}

// Sentinels for errors.Is: an *Error matches the sentinel of its code.
var (
	ErrInvalidArgument    = sentinel(codes.InvalidArgument, "")
	ErrNotFound           = sentinel(codes.NotFound, "")
	ErrAlreadyExists      = sentinel(codes.AlreadyExists, "")
	ErrFailedPrecondition = sentinel(codes.FailedPrecondition, "")
	ErrPermissionDenied   = sentinel(codes.PermissionDenied, "")
	ErrUnauthenticated    = sentinel(codes.Unauthenticated, "")
	ErrUnavailable        = sentinel(codes.Unavailable, "")
	ErrResourceExhausted  = sentinel(codes.ResourceExhausted, "")
	ErrAborted            = sentinel(codes.Aborted, "")
	ErrInternal           = sentinel(codes.Internal, "")
	// ErrBufferFull matches a TimeSeriesWriter that refused points with OnFull: OnFullError
	// (code RESOURCE_EXHAUSTED, reason WRITER_BUFFER_FULL). Nothing of the refused call was buffered.
	ErrBufferFull = sentinel(codes.ResourceExhausted, ReasonWriterBufferFull)
)

// Reasons of the errors this package makes itself (domain "exprun.client").
const (
	ReasonWriterBufferFull = "WRITER_BUFFER_FULL"
	ReasonWriterIDInUse    = "WRITER_ID_IN_USE"
	ReasonWriterClosed     = "WRITER_CLOSED"
	ReasonInvalidValue     = "INVALID_VALUE"
	clientDomain           = "exprun.client"
)

func sentinel(c codes.Code, reason string) *Error {
	return &Error{Code: c, Reason: reason, sentinel: true}
}

// Error is "CODE: message", as in "INVALID_ARGUMENT: metric value must be finite".
func (e *Error) Error() string {
	if e.Message == "" {
		return CodeName(e.Code)
	}
	return CodeName(e.Code) + ": " + e.Message
}

// Is reports whether target is the sentinel of e's code (and reason, for reason sentinels).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || !t.sentinel {
		return false
	}
	return t.Code == e.Code && (t.Reason == "" || t.Reason == e.Reason)
}

// GRPCStatus is the status the error came from, or one made from its code and message.
func (e *Error) GRPCStatus() *status.Status {
	if e.status != nil {
		return e.status
	}
	return status.New(e.Code, e.Message)
}

// Fields lists the fields of the field violations, in order.
func (e *Error) Fields() []string {
	fields := make([]string, len(e.FieldViolations))
	for i, v := range e.FieldViolations {
		fields[i] = v.Field
	}
	return fields
}

// CodeName is the canonical UPPER_SNAKE_CASE name of a code: codes.InvalidArgument is "INVALID_ARGUMENT".
func CodeName(c codes.Code) string {
	if name, ok := code.Code_name[int32(c)]; ok {
		return name
	}
	return c.String()
}

// FromError turns an error of a gRPC call into an *Error with the rich details of its status.
// nil stays nil and an *Error is returned as is. A non-status error (a local failure) becomes
// an *Error with code Unknown that wraps it.
func FromError(err error) error {
	if err == nil {
		return nil
	}
	var existing *Error
	if errors.As(err, &existing) {
		return err
	}
	st, ok := status.FromError(err)
	if !ok {
		return &Error{Code: codes.Unknown, Message: err.Error(), status: st}
	}
	return FromStatus(st.Proto())
}

// fromCall is FromError for a call whose trailer was captured: the google.rpc.Status is decoded
// from the call's grpc-status-details-bin trailer when it is there and agrees with the call's
// code, and otherwise taken from the status gRPC built.
func fromCall(err error, trailer metadata.MD) error {
	if err == nil {
		return nil
	}
	var existing *Error
	if errors.As(err, &existing) {
		return err
	}
	callCode := status.Code(err)
	for _, raw := range trailer.Get(StatusDetailsTrailer) {
		if decoded, decodeErr := DecodeStatusDetails([]byte(raw)); decodeErr == nil && decoded.Code == callCode {
			return decoded
		}
	}
	return FromError(err)
}

// DecodeStatusDetails decodes the value of a grpc-status-details-bin trailer (the serialized
// google.rpc.Status, already base64-decoded as gRPC metadata hands -bin values over).
func DecodeStatusDetails(raw []byte) (*Error, error) {
	st := &spb.Status{}
	if err := proto.Unmarshal(raw, st); err != nil {
		return nil, fmt.Errorf("exprun: decoding %s: %w", StatusDetailsTrailer, err)
	}
	return FromStatus(st), nil
}

// FromStatus reads a google.rpc.Status: its code and message, its ErrorInfo, its BadRequest
// field violations and its RetryInfo. Details of other types, or that do not decode, are ignored.
func FromStatus(st *spb.Status) *Error {
	e := &Error{
		Code:    codes.Code(st.GetCode()),
		Message: st.GetMessage(),
		status:  status.FromProto(st),
	}
	for _, detail := range st.GetDetails() {
		switch {
		case detail.MessageIs((*errdetails.ErrorInfo)(nil)):
			info := &errdetails.ErrorInfo{}
			if detail.UnmarshalTo(info) == nil {
				e.Reason, e.Domain = info.GetReason(), info.GetDomain()
				if len(info.GetMetadata()) > 0 {
					e.Metadata = make(map[string]string, len(info.GetMetadata()))
					for k, v := range info.GetMetadata() {
						e.Metadata[k] = v
					}
				}
			}
		case detail.MessageIs((*errdetails.BadRequest)(nil)):
			badRequest := &errdetails.BadRequest{}
			if detail.UnmarshalTo(badRequest) == nil {
				for _, v := range badRequest.GetFieldViolations() {
					e.FieldViolations = append(e.FieldViolations, FieldViolation{Field: v.GetField(), Description: v.GetDescription()})
				}
			}
		case detail.MessageIs((*errdetails.RetryInfo)(nil)):
			info := &errdetails.RetryInfo{}
			if detail.UnmarshalTo(info) == nil {
				e.retryDelay, e.retryInfo = max(info.GetRetryDelay().AsDuration(), 0), true
			}
		}
	}
	return e
}

// clientError is an error this package detects itself, in the "exprun.client" domain.
func clientError(c codes.Code, reason, message string, meta map[string]string) *Error {
	return &Error{Code: c, Message: message, Reason: reason, Domain: clientDomain, Metadata: meta}
}

// withField adds a field violation to a client-side error and returns it.
func (e *Error) withField(field, description string) *Error {
	e.FieldViolations = append(e.FieldViolations, FieldViolation{Field: field, Description: description})
	return e
}

// nonFinite is the client-side refusal of a NaN or infinite point: INVALID_ARGUMENT naming the
// metric in the message, the ErrorInfo metadata and a field violation, as the server would.
func nonFinite(field, metric string, value float64) *Error {
	return clientError(codes.InvalidArgument, ReasonInvalidValue,
		fmt.Sprintf("value %v of metric %q is not finite (NaN and infinities cannot be stored)", value, metric),
		map[string]string{"metric": metric}).withField(field, "must be finite (not NaN or infinity)")
}
