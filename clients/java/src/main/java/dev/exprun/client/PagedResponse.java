package dev.exprun.client;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A paged list, as the Google Cloud libraries return one: {@link #iterateAll()} walks every item,
 * fetching later pages as the iteration reaches them (one call each, with the client's deadline,
 * retries and typed errors); {@link #getPage()} and {@link #iteratePages()} give the pages.
 *
 * <pre>{@code
 * for (ExperimentRun run : client.listRuns("churn").iterateAll()) { ... }
 * }</pre>
 */
public final class PagedResponse<T> {
  private final Page<T> first;

  PagedResponse(Page<T> first) {
    this.first = first;
  }

  /**
   * Fetches the first page of a list: {@code request} makes the request for a page token ("" for
   * the first), {@code callable} calls it, {@code page} reads a response.
   */
  static <Q, R, T> PagedResponse<T> fetch(
      UnaryCallable<Q, R> callable, Function<String, Q> request, Function<R, Page<T>> page) {
    return new PagedResponse<>(Page.fetch(callable, request, page, ""));
  }

  /** {@link #fetch} without waiting: the future holds the response once the first page came. */
  static <Q, R, T> ListenableFuture<PagedResponse<T>> fetchAsync(
      UnaryCallable<Q, R> callable, Function<String, Q> request, Function<R, Page<T>> page) {
    return Futures.transform(
        callable.futureCall(request.apply("")),
        response -> new PagedResponse<>(page.apply(response).chain(callable, request, page)),
        MoreExecutors.directExecutor());
  }

  /** The first page. */
  public Page<T> getPage() {
    return first;
  }

  /** The first page's token for the next one; "" if it is the last. */
  public String getNextPageToken() {
    return first.getNextPageToken();
  }

  /** Every item of every page, fetching pages as the iteration needs them. */
  public Iterable<T> iterateAll() {
    return () ->
        new Iterator<>() {
          private Page<T> page = first;
          private Iterator<T> items = first.getValues().iterator();

          @Override
          public boolean hasNext() {
            while (!items.hasNext() && page.hasNextPage()) {
              page = page.getNextPage();
              items = page.getValues().iterator();
            }
            return items.hasNext();
          }

          @Override
          public T next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return items.next();
          }
        };
  }

  /** {@link #iterateAll()} as a stream. */
  public Stream<T> streamAll() {
    return StreamSupport.stream(iterateAll().spliterator(), false);
  }

  /** Every page, the first included. */
  public Iterable<Page<T>> iteratePages() {
    return () ->
        new Iterator<>() {
          private Page<T> next = first;

          @Override
          public boolean hasNext() {
            return next != null;
          }

          @Override
          public Page<T> next() {
            if (next == null) {
              throw new NoSuchElementException();
            }
            Page<T> current = next;
            next = current.hasNextPage() ? current.getNextPage() : null;
            return current;
          }
        };
  }

  /** One page: its items and the token of the next. */
  public static final class Page<T> {
    private final List<T> values;
    private final String nextPageToken;
    private Function<String, Page<T>> fetchNext;

    Page(List<T> values, String nextPageToken) {
      this.values = List.copyOf(values);
      this.nextPageToken = nextPageToken;
    }

    static <Q, R, T> Page<T> fetch(
        UnaryCallable<Q, R> callable, Function<String, Q> request, Function<R, Page<T>> page, String token) {
      return page.apply(callable.call(request.apply(token))).chain(callable, request, page);
    }

    <Q, R> Page<T> chain(UnaryCallable<Q, R> callable, Function<String, Q> request, Function<R, Page<T>> page) {
      this.fetchNext = token -> fetch(callable, request, page, token);
      return this;
    }

    public List<T> getValues() {
      return values;
    }

    public String getNextPageToken() {
      return nextPageToken;
    }

    public boolean hasNextPage() {
      return !nextPageToken.isEmpty();
    }

    /** Fetches the next page; {@link NoSuchElementException} on the last. */
    public Page<T> getNextPage() {
      if (!hasNextPage()) {
        throw new NoSuchElementException("this is the last page");
      }
      return fetchNext.apply(nextPageToken);
    }
  }
}
