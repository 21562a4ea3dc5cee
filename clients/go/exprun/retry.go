package exprun

import (
	"context"
	"errors"
	"iter"
	mathrand "math/rand/v2"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
)

// Unary calls come in two kinds. call makes a call once: creating, deleting and logging calls
// whose repeat would not be the same (a second CreateRun is ALREADY_EXISTS, a second
// LogClassificationMetrics another artifact). retried retries an idempotent call, one whose
// repeat leaves the same state: reads, lists, state changes, key-by-key merges, links and
// event records the server makes no-ops when repeated.

// retried makes an idempotent unary call with the client's retry policy (RetrySettings): on
// UNAVAILABLE, or RESOURCE_EXHAUSTED with a RetryInfo, it waits (backoff with jitter, never
// less than the RetryInfo delay) and calls again, until an attempt succeeds, fails otherwise,
// the attempts run out or ctx ends. The error is the last attempt's, typed.
func retried[Req, Resp any](ctx context.Context, c *Client, method func(context.Context, Req, ...grpc.CallOption) (Resp, error), request Req) (Resp, error) {
	policy := c.retry
	backoff := policy.InitialBackoff
	for attempt := 1; ; attempt++ {
		response, err := call(ctx, method, request)
		if err == nil {
			return response, nil
		}
		wait, retry := retryDelay(err, backoff)
		if !retry || attempt >= policy.MaxAttempts {
			return response, err
		}
		if !sleep(ctx, wait) {
			return response, err
		}
		backoff = min(time.Duration(float64(backoff)*policy.Multiplier), policy.MaxBackoff)
	}
}

// errStopped is what a stream's reader returns when the consumer broke out of the loop.
var errStopped = errors.New("exprun: the consumer stopped the iteration")

// retriedStream is the iterator of a server-streaming read. read makes one call, yields its
// items and returns whether it yielded any and how it ended. A call that fails before its first
// item is retried with the client's policy, as retried does; after that the error is yielded.
func retriedStream[T any](ctx context.Context, c *Client, read func(ctx context.Context, yield func(T, error) bool) (bool, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		policy := c.retry
		backoff := policy.InitialBackoff
		for attempt := 1; ; attempt++ {
			yielded, err := read(ctx, yield)
			if err == nil || errors.Is(err, errStopped) {
				return
			}
			wait, retry := retryDelay(err, backoff)
			if yielded || !retry || attempt >= policy.MaxAttempts || !sleep(ctx, wait) {
				var zero T
				yield(zero, err)
				return
			}
			backoff = min(time.Duration(float64(backoff)*policy.Multiplier), policy.MaxBackoff)
		}
	}
}

// sleep waits for d, or less if ctx ends first; it reports whether the whole wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// retryDelay says whether a failed idempotent call is retried and after how long: the backoff
// times a jitter in [0.5, 1), or, when the status carries a RetryInfo, at least its delay (capped
// at maxRetryInfoDelay) plus up to a tenth more, so that refused clients do not return together.
func retryDelay(err error, backoff time.Duration) (time.Duration, bool) {
	var e *Error
	if !errors.As(err, &e) {
		return 0, false
	}
	delay, hasInfo := e.RetryDelay()
	switch {
	case e.Code == codes.Unavailable:
	case e.Code == codes.ResourceExhausted && hasInfo:
	default:
		return 0, false
	}
	wait := time.Duration(float64(backoff) * (0.5 + mathrand.Float64()/2))
	if hasInfo {
		delay = min(delay, maxRetryInfoDelay)
		wait = max(wait, delay+time.Duration(mathrand.Float64()*float64(delay)/10))
	}
	return wait, true
}
