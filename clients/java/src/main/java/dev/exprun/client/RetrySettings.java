package dev.exprun.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How idempotent unary calls are retried: on UNAVAILABLE (the server could not be reached, or is
 * draining), and on RESOURCE_EXHAUSTED that carries a {@code google.rpc.RetryInfo} (the server
 * refused for now, for example {@code SERVER_OVERLOADED}), at most {@code maxAttempts} attempts in
 * all, within the call's deadline. Calls that create something (CreateRun, LogClassificationMetrics,
 * ...) are never retried: a lost response would make a retry fail or duplicate.
 *
 * <p>The wait before attempt {@code n + 1} is {@code min(maxBackoff, initialBackoff *
 * multiplier^(n-1))} times a jitter drawn from {@code [1 - jitter, 1]}, so clients failed together
 * do not return together; when the server sent a RetryInfo delay, never less than that delay
 * (plus up to a quarter more, capped at {@code maxRetryInfoDelay}).
 *
 * <pre>{@code
 * RetrySettings.builder().maxAttempts(8).initialBackoff(Duration.ofMillis(200)).build()
 * }</pre>
 */
public record RetrySettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double multiplier,
    double jitter,
    Duration maxRetryInfoDelay,
    Set<Status.Code> retryableCodes) {

  public RetrySettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, not " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxRetryInfoDelay, "maxRetryInfoDelay");
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must be 0 <= initial <= max");
    }
    if (multiplier < 1) {
      throw new IllegalArgumentException("multiplier must be >= 1, not " + multiplier);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1], not " + jitter);
    }
    retryableCodes = Set.copyOf(retryableCodes);
  }

  /** 5 attempts, 100 ms doubling to 5 s, jitter 0.5, on UNAVAILABLE; RetryInfo honoured up to 1 min. */
  public static RetrySettings defaults() {
    return builder().build();
  }

  /** One attempt: no retries. */
  public static RetrySettings none() {
    return builder().maxAttempts(1).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxAttempts = maxAttempts;
    b.initialBackoff = initialBackoff;
    b.maxBackoff = maxBackoff;
    b.multiplier = multiplier;
    b.jitter = jitter;
    b.maxRetryInfoDelay = maxRetryInfoDelay;
    b.retryableCodes = retryableCodes;
    return b;
  }

  /**
   * Whether a failed attempt is retried: its code is retryable, or it is RESOURCE_EXHAUSTED with
   * a RetryInfo (refused for now, nothing done).
   */
  boolean retryable(Status.Code code, Optional<Duration> retryInfo) {
    return retryableCodes.contains(code)
        || (code == Status.Code.RESOURCE_EXHAUSTED && retryInfo.isPresent());
  }

  /** The wait after failed attempt {@code attempt} (1-based), in nanoseconds; {@code random} in [0, 1). */
  long delayNanos(int attempt, Optional<Duration> retryInfo, double random) {
    double base =
        Math.min(
            (double) maxBackoff.toNanos(),
            initialBackoff.toNanos() * Math.pow(multiplier, Math.min(attempt - 1, 60)));
    long delay = (long) (base * (1 - jitter * random));
    if (retryInfo.isPresent()) {
      Duration floor =
          retryInfo.get().compareTo(maxRetryInfoDelay) < 0 ? retryInfo.get() : maxRetryInfoDelay;
      delay = Math.max(delay, (long) (floor.toNanos() * (1 + 0.25 * random)));
    }
    return delay;
  }

  long delayNanos(int attempt, Optional<Duration> retryInfo) {
    return delayNanos(attempt, retryInfo, ThreadLocalRandom.current().nextDouble());
  }

  /** Builds {@link RetrySettings}; every setter is optional. */
  public static final class Builder {
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private double multiplier = 2;
    private double jitter = 0.5;
    private Duration maxRetryInfoDelay = Duration.ofMinutes(1);
    private Set<Status.Code> retryableCodes = EnumSet.of(Status.Code.UNAVAILABLE);

    private Builder() {}

    /** Attempts in all, the first included (1: no retries). */
    public Builder maxAttempts(int attempts) {
      this.maxAttempts = attempts;
      return this;
    }

    public Builder initialBackoff(Duration backoff) {
      this.initialBackoff = backoff;
      return this;
    }

    public Builder maxBackoff(Duration backoff) {
      this.maxBackoff = backoff;
      return this;
    }

    public Builder multiplier(double multiplier) {
      this.multiplier = multiplier;
      return this;
    }

    /** The share of each wait drawn at random: 0 for none, 1 for "full jitter". */
    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    /** The longest a server's RetryInfo delay is honoured. */
    public Builder maxRetryInfoDelay(Duration delay) {
      this.maxRetryInfoDelay = delay;
      return this;
    }

    /** The codes retried (default UNAVAILABLE; RESOURCE_EXHAUSTED with a RetryInfo always is). */
    public Builder retryableCodes(Set<Status.Code> codes) {
      this.retryableCodes = codes;
      return this;
    }

    public RetrySettings build() {
      return new RetrySettings(
          maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, maxRetryInfoDelay, retryableCodes);
    }
  }
}
