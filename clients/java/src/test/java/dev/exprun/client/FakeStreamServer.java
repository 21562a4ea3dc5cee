package dev.exprun.client;

import dev.exprun.v1.ExperimentRunServiceGrpc;
import dev.exprun.v1.ReadTimeSeriesRequest;
import dev.exprun.v1.ReadTimeSeriesResponse;
import dev.exprun.v1.SequencedBatch;
import dev.exprun.v1.StreamAck;
import dev.exprun.v1.StreamOpened;
import dev.exprun.v1.StreamTimeSeriesRequest;
import dev.exprun.v1.StreamTimeSeriesResponse;
import dev.exprun.v1.TimeSeries;
import dev.exprun.v1.GetRunRequest;
import dev.exprun.v1.Run;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * An in-process fake of the server's streaming contract (design §5): {@code open} is answered
 * with the writer's committed sequence, batches at or below it are acknowledged and not stored
 * again, acks are cumulative. Acks can be held back and streams failed on cue, to test the
 * writer's window, buffer and reconnects. All state is guarded by {@code this}.
 */
final class FakeStreamServer extends ExperimentRunServiceGrpc.ExperimentRunServiceImplBase
    implements AutoCloseable {
  /** A stored point: the key is (metric, step), as in the real store; a rewrite overwrites. */
  record Point(String metric, long step) {}

  private final String name = InProcessServerBuilder.generateName();
  private final Server server;
  final ManagedChannel channel;

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** "{method} {authorization header}" of every call. */
  final List<String> headers = new ArrayList<>();
  final Map<String, Run> runs = new HashMap<>();
  final Map<String, Long> committed = new HashMap<>();
  /** Every batch received, resends included, in arrival order. */
  final List<SequencedBatch> received = new ArrayList<>();
  final Map<Point, Double> stored = new HashMap<>();
  final List<Stream> streams = new ArrayList<>();
  boolean autoAck = true;
  /** Whether a half-close commits and acknowledges what is held (the real server does). */
  boolean ackOnHalfClose = true;
  /** Called for each batch before it is handled; a non-null status fails the stream with it. */
  BiFunction<Stream, SequencedBatch, Status> failure = (stream, batch) -> null;
  /** While set, every stream fails with this on its next batch, which is not committed. */
  com.google.rpc.Status refuse;
  /** Batches refused with {@link #refuse}. */
  int refusals;
  /** What ReadTimeSeries answers. */
  List<TimeSeries> series = List.of();

  FakeStreamServer() throws IOException {
    ServerInterceptor recordHeaders =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata metadata, ServerCallHandler<Q, A> next) {
            synchronized (FakeStreamServer.this) {
              headers.add(call.getMethodDescriptor().getBareMethodName() + " " + metadata.get(AUTHORIZATION));
            }
            return next.startCall(call, metadata);
          }
        };
    server =
        InProcessServerBuilder.forName(name)
            .addService(ServerInterceptors.intercept(this, recordHeaders))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  synchronized int opens() {
    return streams.size();
  }

  synchronized int receivedCount() {
    return received.size();
  }

  synchronized List<Long> receivedSequences() {
    return received.stream().map(SequencedBatch::getSequence).toList();
  }

  synchronized Map<Point, Double> storedPoints() {
    return new HashMap<>(stored);
  }

  synchronized void setRefuse(com.google.rpc.Status refuse) {
    this.refuse = refuse;
  }

  synchronized int refusals() {
    return refusals;
  }

  synchronized void setAutoAck(boolean autoAck) {
    this.autoAck = autoAck;
  }

  /** Commits and acknowledges every held batch of every live stream. */
  synchronized void ackHeld() {
    for (Stream stream : streams) {
      stream.commitHeld();
    }
  }

  /** One StreamTimeSeries call. */
  final class Stream implements StreamObserver<StreamTimeSeriesRequest> {
    final StreamObserver<StreamTimeSeriesResponse> responses;
    final List<SequencedBatch> held = new ArrayList<>();
    String writerId;
    boolean dead;

    Stream(StreamObserver<StreamTimeSeriesResponse> responses) {
      this.responses = responses;
    }

    @Override
    public void onNext(StreamTimeSeriesRequest request) {
      synchronized (FakeStreamServer.this) {
        if (dead) {
          return;
        }
        if (request.hasOpen()) {
          writerId = request.getOpen().getWriterId();
          long done = committed.getOrDefault(writerId, 0L);
          responses.onNext(
              StreamTimeSeriesResponse.newBuilder()
                  .setOpened(StreamOpened.newBuilder().setCommittedSequence(done))
                  .build());
          return;
        }
        SequencedBatch batch = request.getBatch();
        received.add(batch);
        if (refuse != null) {
          refusals++;
          fail(io.grpc.protobuf.StatusProto.toStatusRuntimeException(refuse));
          return;
        }
        Status status = failure.apply(this, batch);
        if (status != null) {
          fail(status);
          return;
        }
        held.add(batch);
        if (autoAck) {
          commitHeld();
        }
      }
    }

    /** Stores the held batches not yet committed for the writer and acknowledges them. */
    void commitHeld() {
      commitHeld(true);
    }

    /** Stores the held batches; with {@code ack} false the acknowledgement is "lost". */
    void commitHeld(boolean ack) {
      if (dead || held.isEmpty()) {
        return;
      }
      long done = committed.getOrDefault(writerId, 0L);
      for (SequencedBatch batch : held) {
        if (batch.getSequence() > done) {
          for (TimeSeries s : batch.getBatch().getSeriesList()) {
            for (int i = 0; i < s.getValuesCount(); i++) {
              stored.put(new Point(s.getMetric(), s.getSteps(i)), s.getValues(i));
            }
          }
          done = batch.getSequence();
        }
      }
      held.clear();
      committed.put(writerId, done);
      if (!ack) {
        return;
      }
      responses.onNext(
          StreamTimeSeriesResponse.newBuilder()
              .setAck(StreamAck.newBuilder().setCommittedSequence(done))
              .build());
    }

    void fail(Status status) {
      dead = true;
      held.clear();
      responses.onError(status.asRuntimeException());
    }

    void fail(io.grpc.StatusRuntimeException error) {
      dead = true;
      held.clear();
      responses.onError(error);
    }

    @Override
    public void onError(Throwable t) {
      synchronized (FakeStreamServer.this) {
        dead = true;
        held.clear();
      }
    }

    @Override
    public void onCompleted() {
      synchronized (FakeStreamServer.this) {
        if (!ackOnHalfClose) {
          return; // never answers: the client's close must time out
        }
        commitHeld();
        if (!dead) {
          dead = true;
          responses.onCompleted();
        }
      }
    }
  }

  @Override
  public StreamObserver<StreamTimeSeriesRequest> streamTimeSeries(
      StreamObserver<StreamTimeSeriesResponse> responses) {
    synchronized (this) {
      Stream stream = new Stream(responses);
      streams.add(stream);
      return stream;
    }
  }

  @Override
  public void readTimeSeries(
      ReadTimeSeriesRequest request, StreamObserver<ReadTimeSeriesResponse> responses) {
    List<TimeSeries> answer;
    synchronized (this) {
      answer = series;
    }
    responses.onNext(ReadTimeSeriesResponse.newBuilder().addAllSeries(answer).build());
    responses.onCompleted();
  }

  @Override
  public void getRun(GetRunRequest request, StreamObserver<Run> responses) {
    Run run;
    synchronized (this) {
      run = runs.get(request.getName());
    }
    if (run == null) {
      responses.onError(Status.NOT_FOUND.withDescription("run not found").asRuntimeException());
      return;
    }
    responses.onNext(run);
    responses.onCompleted();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
