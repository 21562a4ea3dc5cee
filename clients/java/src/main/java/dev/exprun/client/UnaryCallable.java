package dev.exprun.client;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.SettableFuture;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One unary RPC with the client's deadline, retry settings and typed errors: {@link #call} blocks,
 * {@link #futureCall} returns at once (the Google Cloud libraries' {@code UnaryCallable}). Get one
 * from the client ({@code client.getRunCallable()}); {@link #withTimeout} gives a copy with another
 * deadline.
 *
 * <p>The deadline covers the whole call, retries included. A retried call waits as {@link
 * RetrySettings} says; it is retried only if the RPC is idempotent. A failed future holds an
 * {@link ExprunException}; cancelling the future cancels the RPC.
 */
public final class UnaryCallable<Q, A> {
  private final Channel channel;
  private final MethodDescriptor<Q, A> method;
  private final boolean idempotent;
  private final Duration timeout;
  private final RetrySettings retry;

  UnaryCallable(
      Channel channel, MethodDescriptor<Q, A> method, boolean idempotent, Duration timeout, RetrySettings retry) {
    this.channel = channel;
    this.method = method;
    this.idempotent = idempotent;
    this.timeout = timeout;
    this.retry = retry;
  }

  /** The same call with {@code timeout} as its deadline (null: none). */
  public UnaryCallable<Q, A> withTimeout(Duration timeout) {
    return new UnaryCallable<>(channel, method, idempotent, timeout, retry);
  }

  /** The same call with other retry settings. */
  public UnaryCallable<Q, A> withRetrySettings(RetrySettings retry) {
    return new UnaryCallable<>(channel, method, idempotent, timeout, retry);
  }

  /** The gRPC method, e.g. {@code exprun.v1.ExperimentRunService/GetRun}. */
  public String methodName() {
    return method.getFullMethodName();
  }

  /** Whether a failed attempt may be retried: the RPC does the same thing when repeated. */
  public boolean idempotent() {
    return idempotent;
  }

  /** Calls and waits; failures are thrown as {@link ExprunException}s. */
  public A call(Q request) {
    ListenableFuture<A> future = futureCall(request);
    try {
      return future.get();
    } catch (ExecutionException failed) {
      throw ExprunException.from(failed.getCause());
    } catch (InterruptedException interrupted) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw ExprunException.client(
          Status.Code.CANCELLED, method.getBareMethodName() + " interrupted", "CALL_INTERRUPTED",
          java.util.Map.of());
    }
  }

  /** Starts the call; the future fails with an {@link ExprunException}. */
  public ListenableFuture<A> futureCall(Q request) {
    Deadline deadline =
        timeout == null ? null : Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS);
    SettableFuture<A> result = SettableFuture.create();
    attempt(request, deadline, 1, result);
    return result;
  }

  private void attempt(Q request, Deadline deadline, int attempt, SettableFuture<A> result) {
    if (result.isDone()) {
      return; // cancelled while waiting to retry
    }
    CallOptions options = CallOptions.DEFAULT.withDeadline(deadline);
    ListenableFuture<A> call = ClientCalls.futureUnaryCall(channel.newCall(method, options), request);
    result.addListener(
        () -> {
          if (result.isCancelled()) {
            call.cancel(true);
          }
        },
        MoreExecutors.directExecutor());
    Futures.addCallback(
        call,
        new FutureCallback<A>() {
          @Override
          public void onSuccess(A value) {
            result.set(value);
          }

          @Override
          public void onFailure(Throwable error) {
            if (error instanceof CancellationException) {
              result.cancel(false);
              return;
            }
            Status status = Status.fromThrowable(error);
            Metadata trailers = Status.trailersFromThrowable(error);
            Optional<java.time.Duration> retryInfo = ExprunException.retryDelay(status, trailers);
            if (idempotent && attempt < retry.maxAttempts() && retry.retryable(status.getCode(), retryInfo)) {
              long delay = retry.delayNanos(attempt, retryInfo);
              if (deadline == null || deadline.timeRemaining(TimeUnit.NANOSECONDS) > delay) {
                Scheduler.INSTANCE.schedule(
                    () -> attempt(request, deadline, attempt + 1, result), delay, TimeUnit.NANOSECONDS);
                return;
              }
            }
            ExprunException typed = ExprunException.from(status, trailers, error);
            result.setException(attempt > 1 ? typed.withNote("after " + attempt + " attempts") : typed);
          }
        },
        MoreExecutors.directExecutor());
  }

  /** One daemon thread that starts the retries of every client (the waits, not the calls). */
  private static final class Scheduler {
    static final ScheduledExecutorService INSTANCE = create();

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              runnable -> {
                Thread thread = new Thread(runnable, "exprun-retry");
                thread.setDaemon(true);
                return thread;
              });
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }
}
