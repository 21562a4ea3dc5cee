package exprun

import (
	"context"
	"errors"
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
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return response, err
		case <-timer.C:
		}
		backoff = min(time.Duration(float64(backoff)*policy.Multiplier), policy.MaxBackoff)
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
