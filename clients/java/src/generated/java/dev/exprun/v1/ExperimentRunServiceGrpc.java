package dev.exprun.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * The Vertex AI Experiments `ExperimentRun` API for every language.
 * Errors carry the canonical code, one `google.rpc.ErrorInfo` (domain `exprun.dev`) and, for
 * bad input, a `google.rpc.BadRequest` naming each offending field. A rejected request changes
 * nothing that is stored. An error quotes at most 256 characters of an offending value (a longer
 * one is cut, with its length), so its trailers stay far below gRPC's metadata limits.
 * A server serving its limit of calls (`--max-concurrent-rpcs`, 1000 by default; health checks
 * are not counted) refuses new ones with RESOURCE_EXHAUSTED, reason `SERVER_OVERLOADED`, and a
 * `google.rpc.RetryInfo` delay; a call once accepted is never cut off.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class ExperimentRunServiceGrpc {

  private ExperimentRunServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "exprun.v1.ExperimentRunService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.CreateExperimentRequest,
      dev.exprun.v1.Experiment> getCreateExperimentMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateExperiment",
      requestType = dev.exprun.v1.CreateExperimentRequest.class,
      responseType = dev.exprun.v1.Experiment.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.CreateExperimentRequest,
      dev.exprun.v1.Experiment> getCreateExperimentMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.CreateExperimentRequest, dev.exprun.v1.Experiment> getCreateExperimentMethod;
    if ((getCreateExperimentMethod = ExperimentRunServiceGrpc.getCreateExperimentMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getCreateExperimentMethod = ExperimentRunServiceGrpc.getCreateExperimentMethod) == null) {
          ExperimentRunServiceGrpc.getCreateExperimentMethod = getCreateExperimentMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.CreateExperimentRequest, dev.exprun.v1.Experiment>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateExperiment"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.CreateExperimentRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Experiment.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("CreateExperiment"))
              .build();
        }
      }
    }
    return getCreateExperimentMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.GetExperimentRequest,
      dev.exprun.v1.Experiment> getGetExperimentMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetExperiment",
      requestType = dev.exprun.v1.GetExperimentRequest.class,
      responseType = dev.exprun.v1.Experiment.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.GetExperimentRequest,
      dev.exprun.v1.Experiment> getGetExperimentMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.GetExperimentRequest, dev.exprun.v1.Experiment> getGetExperimentMethod;
    if ((getGetExperimentMethod = ExperimentRunServiceGrpc.getGetExperimentMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getGetExperimentMethod = ExperimentRunServiceGrpc.getGetExperimentMethod) == null) {
          ExperimentRunServiceGrpc.getGetExperimentMethod = getGetExperimentMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.GetExperimentRequest, dev.exprun.v1.Experiment>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetExperiment"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.GetExperimentRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Experiment.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("GetExperiment"))
              .build();
        }
      }
    }
    return getGetExperimentMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.ListExperimentsRequest,
      dev.exprun.v1.ListExperimentsResponse> getListExperimentsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListExperiments",
      requestType = dev.exprun.v1.ListExperimentsRequest.class,
      responseType = dev.exprun.v1.ListExperimentsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.ListExperimentsRequest,
      dev.exprun.v1.ListExperimentsResponse> getListExperimentsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.ListExperimentsRequest, dev.exprun.v1.ListExperimentsResponse> getListExperimentsMethod;
    if ((getListExperimentsMethod = ExperimentRunServiceGrpc.getListExperimentsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getListExperimentsMethod = ExperimentRunServiceGrpc.getListExperimentsMethod) == null) {
          ExperimentRunServiceGrpc.getListExperimentsMethod = getListExperimentsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.ListExperimentsRequest, dev.exprun.v1.ListExperimentsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListExperiments"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListExperimentsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListExperimentsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("ListExperiments"))
              .build();
        }
      }
    }
    return getListExperimentsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.DeleteExperimentRequest,
      com.google.protobuf.Empty> getDeleteExperimentMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteExperiment",
      requestType = dev.exprun.v1.DeleteExperimentRequest.class,
      responseType = com.google.protobuf.Empty.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.DeleteExperimentRequest,
      com.google.protobuf.Empty> getDeleteExperimentMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.DeleteExperimentRequest, com.google.protobuf.Empty> getDeleteExperimentMethod;
    if ((getDeleteExperimentMethod = ExperimentRunServiceGrpc.getDeleteExperimentMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getDeleteExperimentMethod = ExperimentRunServiceGrpc.getDeleteExperimentMethod) == null) {
          ExperimentRunServiceGrpc.getDeleteExperimentMethod = getDeleteExperimentMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.DeleteExperimentRequest, com.google.protobuf.Empty>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteExperiment"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.DeleteExperimentRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.google.protobuf.Empty.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("DeleteExperiment"))
              .build();
        }
      }
    }
    return getDeleteExperimentMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.CreateRunRequest,
      dev.exprun.v1.Run> getCreateRunMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateRun",
      requestType = dev.exprun.v1.CreateRunRequest.class,
      responseType = dev.exprun.v1.Run.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.CreateRunRequest,
      dev.exprun.v1.Run> getCreateRunMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.CreateRunRequest, dev.exprun.v1.Run> getCreateRunMethod;
    if ((getCreateRunMethod = ExperimentRunServiceGrpc.getCreateRunMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getCreateRunMethod = ExperimentRunServiceGrpc.getCreateRunMethod) == null) {
          ExperimentRunServiceGrpc.getCreateRunMethod = getCreateRunMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.CreateRunRequest, dev.exprun.v1.Run>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateRun"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.CreateRunRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Run.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("CreateRun"))
              .build();
        }
      }
    }
    return getCreateRunMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.GetRunRequest,
      dev.exprun.v1.Run> getGetRunMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetRun",
      requestType = dev.exprun.v1.GetRunRequest.class,
      responseType = dev.exprun.v1.Run.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.GetRunRequest,
      dev.exprun.v1.Run> getGetRunMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.GetRunRequest, dev.exprun.v1.Run> getGetRunMethod;
    if ((getGetRunMethod = ExperimentRunServiceGrpc.getGetRunMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getGetRunMethod = ExperimentRunServiceGrpc.getGetRunMethod) == null) {
          ExperimentRunServiceGrpc.getGetRunMethod = getGetRunMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.GetRunRequest, dev.exprun.v1.Run>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetRun"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.GetRunRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Run.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("GetRun"))
              .build();
        }
      }
    }
    return getGetRunMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.ListRunsRequest,
      dev.exprun.v1.ListRunsResponse> getListRunsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListRuns",
      requestType = dev.exprun.v1.ListRunsRequest.class,
      responseType = dev.exprun.v1.ListRunsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.ListRunsRequest,
      dev.exprun.v1.ListRunsResponse> getListRunsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.ListRunsRequest, dev.exprun.v1.ListRunsResponse> getListRunsMethod;
    if ((getListRunsMethod = ExperimentRunServiceGrpc.getListRunsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getListRunsMethod = ExperimentRunServiceGrpc.getListRunsMethod) == null) {
          ExperimentRunServiceGrpc.getListRunsMethod = getListRunsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.ListRunsRequest, dev.exprun.v1.ListRunsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListRuns"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListRunsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListRunsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("ListRuns"))
              .build();
        }
      }
    }
    return getListRunsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.DeleteRunRequest,
      com.google.protobuf.Empty> getDeleteRunMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteRun",
      requestType = dev.exprun.v1.DeleteRunRequest.class,
      responseType = com.google.protobuf.Empty.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.DeleteRunRequest,
      com.google.protobuf.Empty> getDeleteRunMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.DeleteRunRequest, com.google.protobuf.Empty> getDeleteRunMethod;
    if ((getDeleteRunMethod = ExperimentRunServiceGrpc.getDeleteRunMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getDeleteRunMethod = ExperimentRunServiceGrpc.getDeleteRunMethod) == null) {
          ExperimentRunServiceGrpc.getDeleteRunMethod = getDeleteRunMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.DeleteRunRequest, com.google.protobuf.Empty>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteRun"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.DeleteRunRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.google.protobuf.Empty.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("DeleteRun"))
              .build();
        }
      }
    }
    return getDeleteRunMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.UpdateRunStateRequest,
      dev.exprun.v1.Run> getUpdateRunStateMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateRunState",
      requestType = dev.exprun.v1.UpdateRunStateRequest.class,
      responseType = dev.exprun.v1.Run.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.UpdateRunStateRequest,
      dev.exprun.v1.Run> getUpdateRunStateMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.UpdateRunStateRequest, dev.exprun.v1.Run> getUpdateRunStateMethod;
    if ((getUpdateRunStateMethod = ExperimentRunServiceGrpc.getUpdateRunStateMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getUpdateRunStateMethod = ExperimentRunServiceGrpc.getUpdateRunStateMethod) == null) {
          ExperimentRunServiceGrpc.getUpdateRunStateMethod = getUpdateRunStateMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.UpdateRunStateRequest, dev.exprun.v1.Run>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateRunState"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.UpdateRunStateRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Run.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("UpdateRunState"))
              .build();
        }
      }
    }
    return getUpdateRunStateMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.EndRunRequest,
      dev.exprun.v1.Run> getEndRunMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "EndRun",
      requestType = dev.exprun.v1.EndRunRequest.class,
      responseType = dev.exprun.v1.Run.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.EndRunRequest,
      dev.exprun.v1.Run> getEndRunMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.EndRunRequest, dev.exprun.v1.Run> getEndRunMethod;
    if ((getEndRunMethod = ExperimentRunServiceGrpc.getEndRunMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getEndRunMethod = ExperimentRunServiceGrpc.getEndRunMethod) == null) {
          ExperimentRunServiceGrpc.getEndRunMethod = getEndRunMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.EndRunRequest, dev.exprun.v1.Run>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "EndRun"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.EndRunRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Run.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("EndRun"))
              .build();
        }
      }
    }
    return getEndRunMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.LogParamsRequest,
      dev.exprun.v1.Run> getLogParamsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "LogParams",
      requestType = dev.exprun.v1.LogParamsRequest.class,
      responseType = dev.exprun.v1.Run.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.LogParamsRequest,
      dev.exprun.v1.Run> getLogParamsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.LogParamsRequest, dev.exprun.v1.Run> getLogParamsMethod;
    if ((getLogParamsMethod = ExperimentRunServiceGrpc.getLogParamsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getLogParamsMethod = ExperimentRunServiceGrpc.getLogParamsMethod) == null) {
          ExperimentRunServiceGrpc.getLogParamsMethod = getLogParamsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.LogParamsRequest, dev.exprun.v1.Run>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "LogParams"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.LogParamsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Run.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("LogParams"))
              .build();
        }
      }
    }
    return getLogParamsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.GetParamsRequest,
      dev.exprun.v1.GetParamsResponse> getGetParamsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetParams",
      requestType = dev.exprun.v1.GetParamsRequest.class,
      responseType = dev.exprun.v1.GetParamsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.GetParamsRequest,
      dev.exprun.v1.GetParamsResponse> getGetParamsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.GetParamsRequest, dev.exprun.v1.GetParamsResponse> getGetParamsMethod;
    if ((getGetParamsMethod = ExperimentRunServiceGrpc.getGetParamsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getGetParamsMethod = ExperimentRunServiceGrpc.getGetParamsMethod) == null) {
          ExperimentRunServiceGrpc.getGetParamsMethod = getGetParamsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.GetParamsRequest, dev.exprun.v1.GetParamsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetParams"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.GetParamsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.GetParamsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("GetParams"))
              .build();
        }
      }
    }
    return getGetParamsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.LogMetricsRequest,
      dev.exprun.v1.Run> getLogMetricsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "LogMetrics",
      requestType = dev.exprun.v1.LogMetricsRequest.class,
      responseType = dev.exprun.v1.Run.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.LogMetricsRequest,
      dev.exprun.v1.Run> getLogMetricsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.LogMetricsRequest, dev.exprun.v1.Run> getLogMetricsMethod;
    if ((getLogMetricsMethod = ExperimentRunServiceGrpc.getLogMetricsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getLogMetricsMethod = ExperimentRunServiceGrpc.getLogMetricsMethod) == null) {
          ExperimentRunServiceGrpc.getLogMetricsMethod = getLogMetricsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.LogMetricsRequest, dev.exprun.v1.Run>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "LogMetrics"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.LogMetricsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Run.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("LogMetrics"))
              .build();
        }
      }
    }
    return getLogMetricsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.GetMetricsRequest,
      dev.exprun.v1.GetMetricsResponse> getGetMetricsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetMetrics",
      requestType = dev.exprun.v1.GetMetricsRequest.class,
      responseType = dev.exprun.v1.GetMetricsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.GetMetricsRequest,
      dev.exprun.v1.GetMetricsResponse> getGetMetricsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.GetMetricsRequest, dev.exprun.v1.GetMetricsResponse> getGetMetricsMethod;
    if ((getGetMetricsMethod = ExperimentRunServiceGrpc.getGetMetricsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getGetMetricsMethod = ExperimentRunServiceGrpc.getGetMetricsMethod) == null) {
          ExperimentRunServiceGrpc.getGetMetricsMethod = getGetMetricsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.GetMetricsRequest, dev.exprun.v1.GetMetricsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetMetrics"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.GetMetricsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.GetMetricsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("GetMetrics"))
              .build();
        }
      }
    }
    return getGetMetricsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.LogClassificationMetricsRequest,
      dev.exprun.v1.ClassificationMetrics> getLogClassificationMetricsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "LogClassificationMetrics",
      requestType = dev.exprun.v1.LogClassificationMetricsRequest.class,
      responseType = dev.exprun.v1.ClassificationMetrics.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.LogClassificationMetricsRequest,
      dev.exprun.v1.ClassificationMetrics> getLogClassificationMetricsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.LogClassificationMetricsRequest, dev.exprun.v1.ClassificationMetrics> getLogClassificationMetricsMethod;
    if ((getLogClassificationMetricsMethod = ExperimentRunServiceGrpc.getLogClassificationMetricsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getLogClassificationMetricsMethod = ExperimentRunServiceGrpc.getLogClassificationMetricsMethod) == null) {
          ExperimentRunServiceGrpc.getLogClassificationMetricsMethod = getLogClassificationMetricsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.LogClassificationMetricsRequest, dev.exprun.v1.ClassificationMetrics>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "LogClassificationMetrics"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.LogClassificationMetricsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ClassificationMetrics.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("LogClassificationMetrics"))
              .build();
        }
      }
    }
    return getLogClassificationMetricsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.ListClassificationMetricsRequest,
      dev.exprun.v1.ListClassificationMetricsResponse> getListClassificationMetricsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListClassificationMetrics",
      requestType = dev.exprun.v1.ListClassificationMetricsRequest.class,
      responseType = dev.exprun.v1.ListClassificationMetricsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.ListClassificationMetricsRequest,
      dev.exprun.v1.ListClassificationMetricsResponse> getListClassificationMetricsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.ListClassificationMetricsRequest, dev.exprun.v1.ListClassificationMetricsResponse> getListClassificationMetricsMethod;
    if ((getListClassificationMetricsMethod = ExperimentRunServiceGrpc.getListClassificationMetricsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getListClassificationMetricsMethod = ExperimentRunServiceGrpc.getListClassificationMetricsMethod) == null) {
          ExperimentRunServiceGrpc.getListClassificationMetricsMethod = getListClassificationMetricsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.ListClassificationMetricsRequest, dev.exprun.v1.ListClassificationMetricsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListClassificationMetrics"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListClassificationMetricsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListClassificationMetricsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("ListClassificationMetrics"))
              .build();
        }
      }
    }
    return getListClassificationMetricsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.WriteTimeSeriesRequest,
      dev.exprun.v1.WriteTimeSeriesResponse> getWriteTimeSeriesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "WriteTimeSeries",
      requestType = dev.exprun.v1.WriteTimeSeriesRequest.class,
      responseType = dev.exprun.v1.WriteTimeSeriesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.WriteTimeSeriesRequest,
      dev.exprun.v1.WriteTimeSeriesResponse> getWriteTimeSeriesMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.WriteTimeSeriesRequest, dev.exprun.v1.WriteTimeSeriesResponse> getWriteTimeSeriesMethod;
    if ((getWriteTimeSeriesMethod = ExperimentRunServiceGrpc.getWriteTimeSeriesMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getWriteTimeSeriesMethod = ExperimentRunServiceGrpc.getWriteTimeSeriesMethod) == null) {
          ExperimentRunServiceGrpc.getWriteTimeSeriesMethod = getWriteTimeSeriesMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.WriteTimeSeriesRequest, dev.exprun.v1.WriteTimeSeriesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "WriteTimeSeries"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.WriteTimeSeriesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.WriteTimeSeriesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("WriteTimeSeries"))
              .build();
        }
      }
    }
    return getWriteTimeSeriesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.StreamTimeSeriesRequest,
      dev.exprun.v1.StreamTimeSeriesResponse> getStreamTimeSeriesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "StreamTimeSeries",
      requestType = dev.exprun.v1.StreamTimeSeriesRequest.class,
      responseType = dev.exprun.v1.StreamTimeSeriesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.StreamTimeSeriesRequest,
      dev.exprun.v1.StreamTimeSeriesResponse> getStreamTimeSeriesMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.StreamTimeSeriesRequest, dev.exprun.v1.StreamTimeSeriesResponse> getStreamTimeSeriesMethod;
    if ((getStreamTimeSeriesMethod = ExperimentRunServiceGrpc.getStreamTimeSeriesMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getStreamTimeSeriesMethod = ExperimentRunServiceGrpc.getStreamTimeSeriesMethod) == null) {
          ExperimentRunServiceGrpc.getStreamTimeSeriesMethod = getStreamTimeSeriesMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.StreamTimeSeriesRequest, dev.exprun.v1.StreamTimeSeriesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "StreamTimeSeries"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.StreamTimeSeriesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.StreamTimeSeriesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("StreamTimeSeries"))
              .build();
        }
      }
    }
    return getStreamTimeSeriesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.HeartbeatRequest,
      dev.exprun.v1.HeartbeatResponse> getHeartbeatMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Heartbeat",
      requestType = dev.exprun.v1.HeartbeatRequest.class,
      responseType = dev.exprun.v1.HeartbeatResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.HeartbeatRequest,
      dev.exprun.v1.HeartbeatResponse> getHeartbeatMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.HeartbeatRequest, dev.exprun.v1.HeartbeatResponse> getHeartbeatMethod;
    if ((getHeartbeatMethod = ExperimentRunServiceGrpc.getHeartbeatMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getHeartbeatMethod = ExperimentRunServiceGrpc.getHeartbeatMethod) == null) {
          ExperimentRunServiceGrpc.getHeartbeatMethod = getHeartbeatMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.HeartbeatRequest, dev.exprun.v1.HeartbeatResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Heartbeat"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.HeartbeatRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.HeartbeatResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("Heartbeat"))
              .build();
        }
      }
    }
    return getHeartbeatMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.ReadTimeSeriesRequest,
      dev.exprun.v1.ReadTimeSeriesResponse> getReadTimeSeriesMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ReadTimeSeries",
      requestType = dev.exprun.v1.ReadTimeSeriesRequest.class,
      responseType = dev.exprun.v1.ReadTimeSeriesResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.ReadTimeSeriesRequest,
      dev.exprun.v1.ReadTimeSeriesResponse> getReadTimeSeriesMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.ReadTimeSeriesRequest, dev.exprun.v1.ReadTimeSeriesResponse> getReadTimeSeriesMethod;
    if ((getReadTimeSeriesMethod = ExperimentRunServiceGrpc.getReadTimeSeriesMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getReadTimeSeriesMethod = ExperimentRunServiceGrpc.getReadTimeSeriesMethod) == null) {
          ExperimentRunServiceGrpc.getReadTimeSeriesMethod = getReadTimeSeriesMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.ReadTimeSeriesRequest, dev.exprun.v1.ReadTimeSeriesResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ReadTimeSeries"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ReadTimeSeriesRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ReadTimeSeriesResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("ReadTimeSeries"))
              .build();
        }
      }
    }
    return getReadTimeSeriesMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.AssignBackingTensorboardRequest,
      dev.exprun.v1.Run> getAssignBackingTensorboardMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "AssignBackingTensorboard",
      requestType = dev.exprun.v1.AssignBackingTensorboardRequest.class,
      responseType = dev.exprun.v1.Run.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.AssignBackingTensorboardRequest,
      dev.exprun.v1.Run> getAssignBackingTensorboardMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.AssignBackingTensorboardRequest, dev.exprun.v1.Run> getAssignBackingTensorboardMethod;
    if ((getAssignBackingTensorboardMethod = ExperimentRunServiceGrpc.getAssignBackingTensorboardMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getAssignBackingTensorboardMethod = ExperimentRunServiceGrpc.getAssignBackingTensorboardMethod) == null) {
          ExperimentRunServiceGrpc.getAssignBackingTensorboardMethod = getAssignBackingTensorboardMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.AssignBackingTensorboardRequest, dev.exprun.v1.Run>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "AssignBackingTensorboard"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.AssignBackingTensorboardRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Run.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("AssignBackingTensorboard"))
              .build();
        }
      }
    }
    return getAssignBackingTensorboardMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.AssociateExecutionRequest,
      dev.exprun.v1.Execution> getAssociateExecutionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "AssociateExecution",
      requestType = dev.exprun.v1.AssociateExecutionRequest.class,
      responseType = dev.exprun.v1.Execution.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.AssociateExecutionRequest,
      dev.exprun.v1.Execution> getAssociateExecutionMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.AssociateExecutionRequest, dev.exprun.v1.Execution> getAssociateExecutionMethod;
    if ((getAssociateExecutionMethod = ExperimentRunServiceGrpc.getAssociateExecutionMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getAssociateExecutionMethod = ExperimentRunServiceGrpc.getAssociateExecutionMethod) == null) {
          ExperimentRunServiceGrpc.getAssociateExecutionMethod = getAssociateExecutionMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.AssociateExecutionRequest, dev.exprun.v1.Execution>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "AssociateExecution"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.AssociateExecutionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Execution.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("AssociateExecution"))
              .build();
        }
      }
    }
    return getAssociateExecutionMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.ListExecutionsRequest,
      dev.exprun.v1.ListExecutionsResponse> getListExecutionsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListExecutions",
      requestType = dev.exprun.v1.ListExecutionsRequest.class,
      responseType = dev.exprun.v1.ListExecutionsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.ListExecutionsRequest,
      dev.exprun.v1.ListExecutionsResponse> getListExecutionsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.ListExecutionsRequest, dev.exprun.v1.ListExecutionsResponse> getListExecutionsMethod;
    if ((getListExecutionsMethod = ExperimentRunServiceGrpc.getListExecutionsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getListExecutionsMethod = ExperimentRunServiceGrpc.getListExecutionsMethod) == null) {
          ExperimentRunServiceGrpc.getListExecutionsMethod = getListExecutionsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.ListExecutionsRequest, dev.exprun.v1.ListExecutionsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListExecutions"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListExecutionsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListExecutionsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("ListExecutions"))
              .build();
        }
      }
    }
    return getListExecutionsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.ListArtifactsRequest,
      dev.exprun.v1.ListArtifactsResponse> getListArtifactsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListArtifacts",
      requestType = dev.exprun.v1.ListArtifactsRequest.class,
      responseType = dev.exprun.v1.ListArtifactsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.ListArtifactsRequest,
      dev.exprun.v1.ListArtifactsResponse> getListArtifactsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.ListArtifactsRequest, dev.exprun.v1.ListArtifactsResponse> getListArtifactsMethod;
    if ((getListArtifactsMethod = ExperimentRunServiceGrpc.getListArtifactsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getListArtifactsMethod = ExperimentRunServiceGrpc.getListArtifactsMethod) == null) {
          ExperimentRunServiceGrpc.getListArtifactsMethod = getListArtifactsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.ListArtifactsRequest, dev.exprun.v1.ListArtifactsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListArtifacts"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListArtifactsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListArtifactsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("ListArtifacts"))
              .build();
        }
      }
    }
    return getListArtifactsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.CreateExecutionRequest,
      dev.exprun.v1.Execution> getCreateExecutionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateExecution",
      requestType = dev.exprun.v1.CreateExecutionRequest.class,
      responseType = dev.exprun.v1.Execution.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.CreateExecutionRequest,
      dev.exprun.v1.Execution> getCreateExecutionMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.CreateExecutionRequest, dev.exprun.v1.Execution> getCreateExecutionMethod;
    if ((getCreateExecutionMethod = ExperimentRunServiceGrpc.getCreateExecutionMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getCreateExecutionMethod = ExperimentRunServiceGrpc.getCreateExecutionMethod) == null) {
          ExperimentRunServiceGrpc.getCreateExecutionMethod = getCreateExecutionMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.CreateExecutionRequest, dev.exprun.v1.Execution>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateExecution"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.CreateExecutionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Execution.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("CreateExecution"))
              .build();
        }
      }
    }
    return getCreateExecutionMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.GetExecutionRequest,
      dev.exprun.v1.Execution> getGetExecutionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetExecution",
      requestType = dev.exprun.v1.GetExecutionRequest.class,
      responseType = dev.exprun.v1.Execution.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.GetExecutionRequest,
      dev.exprun.v1.Execution> getGetExecutionMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.GetExecutionRequest, dev.exprun.v1.Execution> getGetExecutionMethod;
    if ((getGetExecutionMethod = ExperimentRunServiceGrpc.getGetExecutionMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getGetExecutionMethod = ExperimentRunServiceGrpc.getGetExecutionMethod) == null) {
          ExperimentRunServiceGrpc.getGetExecutionMethod = getGetExecutionMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.GetExecutionRequest, dev.exprun.v1.Execution>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetExecution"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.GetExecutionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Execution.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("GetExecution"))
              .build();
        }
      }
    }
    return getGetExecutionMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.UpdateExecutionRequest,
      dev.exprun.v1.Execution> getUpdateExecutionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateExecution",
      requestType = dev.exprun.v1.UpdateExecutionRequest.class,
      responseType = dev.exprun.v1.Execution.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.UpdateExecutionRequest,
      dev.exprun.v1.Execution> getUpdateExecutionMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.UpdateExecutionRequest, dev.exprun.v1.Execution> getUpdateExecutionMethod;
    if ((getUpdateExecutionMethod = ExperimentRunServiceGrpc.getUpdateExecutionMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getUpdateExecutionMethod = ExperimentRunServiceGrpc.getUpdateExecutionMethod) == null) {
          ExperimentRunServiceGrpc.getUpdateExecutionMethod = getUpdateExecutionMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.UpdateExecutionRequest, dev.exprun.v1.Execution>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateExecution"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.UpdateExecutionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.Execution.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("UpdateExecution"))
              .build();
        }
      }
    }
    return getUpdateExecutionMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.AddExecutionEventsRequest,
      dev.exprun.v1.AddExecutionEventsResponse> getAddExecutionEventsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "AddExecutionEvents",
      requestType = dev.exprun.v1.AddExecutionEventsRequest.class,
      responseType = dev.exprun.v1.AddExecutionEventsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.AddExecutionEventsRequest,
      dev.exprun.v1.AddExecutionEventsResponse> getAddExecutionEventsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.AddExecutionEventsRequest, dev.exprun.v1.AddExecutionEventsResponse> getAddExecutionEventsMethod;
    if ((getAddExecutionEventsMethod = ExperimentRunServiceGrpc.getAddExecutionEventsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getAddExecutionEventsMethod = ExperimentRunServiceGrpc.getAddExecutionEventsMethod) == null) {
          ExperimentRunServiceGrpc.getAddExecutionEventsMethod = getAddExecutionEventsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.AddExecutionEventsRequest, dev.exprun.v1.AddExecutionEventsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "AddExecutionEvents"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.AddExecutionEventsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.AddExecutionEventsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("AddExecutionEvents"))
              .build();
        }
      }
    }
    return getAddExecutionEventsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.QueryExecutionInputsAndOutputsRequest,
      dev.exprun.v1.ExecutionInputsAndOutputs> getQueryExecutionInputsAndOutputsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "QueryExecutionInputsAndOutputs",
      requestType = dev.exprun.v1.QueryExecutionInputsAndOutputsRequest.class,
      responseType = dev.exprun.v1.ExecutionInputsAndOutputs.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.QueryExecutionInputsAndOutputsRequest,
      dev.exprun.v1.ExecutionInputsAndOutputs> getQueryExecutionInputsAndOutputsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.QueryExecutionInputsAndOutputsRequest, dev.exprun.v1.ExecutionInputsAndOutputs> getQueryExecutionInputsAndOutputsMethod;
    if ((getQueryExecutionInputsAndOutputsMethod = ExperimentRunServiceGrpc.getQueryExecutionInputsAndOutputsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getQueryExecutionInputsAndOutputsMethod = ExperimentRunServiceGrpc.getQueryExecutionInputsAndOutputsMethod) == null) {
          ExperimentRunServiceGrpc.getQueryExecutionInputsAndOutputsMethod = getQueryExecutionInputsAndOutputsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.QueryExecutionInputsAndOutputsRequest, dev.exprun.v1.ExecutionInputsAndOutputs>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "QueryExecutionInputsAndOutputs"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.QueryExecutionInputsAndOutputsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ExecutionInputsAndOutputs.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("QueryExecutionInputsAndOutputs"))
              .build();
        }
      }
    }
    return getQueryExecutionInputsAndOutputsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.LogModelRequest,
      dev.exprun.v1.ExperimentModel> getLogModelMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "LogModel",
      requestType = dev.exprun.v1.LogModelRequest.class,
      responseType = dev.exprun.v1.ExperimentModel.class,
      methodType = io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.LogModelRequest,
      dev.exprun.v1.ExperimentModel> getLogModelMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.LogModelRequest, dev.exprun.v1.ExperimentModel> getLogModelMethod;
    if ((getLogModelMethod = ExperimentRunServiceGrpc.getLogModelMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getLogModelMethod = ExperimentRunServiceGrpc.getLogModelMethod) == null) {
          ExperimentRunServiceGrpc.getLogModelMethod = getLogModelMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.LogModelRequest, dev.exprun.v1.ExperimentModel>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "LogModel"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.LogModelRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ExperimentModel.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("LogModel"))
              .build();
        }
      }
    }
    return getLogModelMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.DownloadModelRequest,
      dev.exprun.v1.ModelChunk> getDownloadModelMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DownloadModel",
      requestType = dev.exprun.v1.DownloadModelRequest.class,
      responseType = dev.exprun.v1.ModelChunk.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.DownloadModelRequest,
      dev.exprun.v1.ModelChunk> getDownloadModelMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.DownloadModelRequest, dev.exprun.v1.ModelChunk> getDownloadModelMethod;
    if ((getDownloadModelMethod = ExperimentRunServiceGrpc.getDownloadModelMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getDownloadModelMethod = ExperimentRunServiceGrpc.getDownloadModelMethod) == null) {
          ExperimentRunServiceGrpc.getDownloadModelMethod = getDownloadModelMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.DownloadModelRequest, dev.exprun.v1.ModelChunk>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DownloadModel"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.DownloadModelRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ModelChunk.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("DownloadModel"))
              .build();
        }
      }
    }
    return getDownloadModelMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.GetExperimentModelRequest,
      dev.exprun.v1.ExperimentModel> getGetExperimentModelMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetExperimentModel",
      requestType = dev.exprun.v1.GetExperimentModelRequest.class,
      responseType = dev.exprun.v1.ExperimentModel.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.GetExperimentModelRequest,
      dev.exprun.v1.ExperimentModel> getGetExperimentModelMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.GetExperimentModelRequest, dev.exprun.v1.ExperimentModel> getGetExperimentModelMethod;
    if ((getGetExperimentModelMethod = ExperimentRunServiceGrpc.getGetExperimentModelMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getGetExperimentModelMethod = ExperimentRunServiceGrpc.getGetExperimentModelMethod) == null) {
          ExperimentRunServiceGrpc.getGetExperimentModelMethod = getGetExperimentModelMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.GetExperimentModelRequest, dev.exprun.v1.ExperimentModel>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetExperimentModel"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.GetExperimentModelRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ExperimentModel.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("GetExperimentModel"))
              .build();
        }
      }
    }
    return getGetExperimentModelMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.ListExperimentModelsRequest,
      dev.exprun.v1.ListExperimentModelsResponse> getListExperimentModelsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListExperimentModels",
      requestType = dev.exprun.v1.ListExperimentModelsRequest.class,
      responseType = dev.exprun.v1.ListExperimentModelsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.ListExperimentModelsRequest,
      dev.exprun.v1.ListExperimentModelsResponse> getListExperimentModelsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.ListExperimentModelsRequest, dev.exprun.v1.ListExperimentModelsResponse> getListExperimentModelsMethod;
    if ((getListExperimentModelsMethod = ExperimentRunServiceGrpc.getListExperimentModelsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getListExperimentModelsMethod = ExperimentRunServiceGrpc.getListExperimentModelsMethod) == null) {
          ExperimentRunServiceGrpc.getListExperimentModelsMethod = getListExperimentModelsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.ListExperimentModelsRequest, dev.exprun.v1.ListExperimentModelsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListExperimentModels"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListExperimentModelsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListExperimentModelsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("ListExperimentModels"))
              .build();
        }
      }
    }
    return getListExperimentModelsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.LogPipelineJobRequest,
      dev.exprun.v1.PipelineJobLink> getLogPipelineJobMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "LogPipelineJob",
      requestType = dev.exprun.v1.LogPipelineJobRequest.class,
      responseType = dev.exprun.v1.PipelineJobLink.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.LogPipelineJobRequest,
      dev.exprun.v1.PipelineJobLink> getLogPipelineJobMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.LogPipelineJobRequest, dev.exprun.v1.PipelineJobLink> getLogPipelineJobMethod;
    if ((getLogPipelineJobMethod = ExperimentRunServiceGrpc.getLogPipelineJobMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getLogPipelineJobMethod = ExperimentRunServiceGrpc.getLogPipelineJobMethod) == null) {
          ExperimentRunServiceGrpc.getLogPipelineJobMethod = getLogPipelineJobMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.LogPipelineJobRequest, dev.exprun.v1.PipelineJobLink>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "LogPipelineJob"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.LogPipelineJobRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.PipelineJobLink.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("LogPipelineJob"))
              .build();
        }
      }
    }
    return getLogPipelineJobMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.ListPipelineJobsRequest,
      dev.exprun.v1.ListPipelineJobsResponse> getListPipelineJobsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListPipelineJobs",
      requestType = dev.exprun.v1.ListPipelineJobsRequest.class,
      responseType = dev.exprun.v1.ListPipelineJobsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.ListPipelineJobsRequest,
      dev.exprun.v1.ListPipelineJobsResponse> getListPipelineJobsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.ListPipelineJobsRequest, dev.exprun.v1.ListPipelineJobsResponse> getListPipelineJobsMethod;
    if ((getListPipelineJobsMethod = ExperimentRunServiceGrpc.getListPipelineJobsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getListPipelineJobsMethod = ExperimentRunServiceGrpc.getListPipelineJobsMethod) == null) {
          ExperimentRunServiceGrpc.getListPipelineJobsMethod = getListPipelineJobsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.ListPipelineJobsRequest, dev.exprun.v1.ListPipelineJobsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListPipelineJobs"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListPipelineJobsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListPipelineJobsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("ListPipelineJobs"))
              .build();
        }
      }
    }
    return getListPipelineJobsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.LogCustomJobRequest,
      dev.exprun.v1.CustomJobLink> getLogCustomJobMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "LogCustomJob",
      requestType = dev.exprun.v1.LogCustomJobRequest.class,
      responseType = dev.exprun.v1.CustomJobLink.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.LogCustomJobRequest,
      dev.exprun.v1.CustomJobLink> getLogCustomJobMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.LogCustomJobRequest, dev.exprun.v1.CustomJobLink> getLogCustomJobMethod;
    if ((getLogCustomJobMethod = ExperimentRunServiceGrpc.getLogCustomJobMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getLogCustomJobMethod = ExperimentRunServiceGrpc.getLogCustomJobMethod) == null) {
          ExperimentRunServiceGrpc.getLogCustomJobMethod = getLogCustomJobMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.LogCustomJobRequest, dev.exprun.v1.CustomJobLink>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "LogCustomJob"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.LogCustomJobRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.CustomJobLink.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("LogCustomJob"))
              .build();
        }
      }
    }
    return getLogCustomJobMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.exprun.v1.ListCustomJobsRequest,
      dev.exprun.v1.ListCustomJobsResponse> getListCustomJobsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListCustomJobs",
      requestType = dev.exprun.v1.ListCustomJobsRequest.class,
      responseType = dev.exprun.v1.ListCustomJobsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.exprun.v1.ListCustomJobsRequest,
      dev.exprun.v1.ListCustomJobsResponse> getListCustomJobsMethod() {
    io.grpc.MethodDescriptor<dev.exprun.v1.ListCustomJobsRequest, dev.exprun.v1.ListCustomJobsResponse> getListCustomJobsMethod;
    if ((getListCustomJobsMethod = ExperimentRunServiceGrpc.getListCustomJobsMethod) == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        if ((getListCustomJobsMethod = ExperimentRunServiceGrpc.getListCustomJobsMethod) == null) {
          ExperimentRunServiceGrpc.getListCustomJobsMethod = getListCustomJobsMethod =
              io.grpc.MethodDescriptor.<dev.exprun.v1.ListCustomJobsRequest, dev.exprun.v1.ListCustomJobsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListCustomJobs"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListCustomJobsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.exprun.v1.ListCustomJobsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExperimentRunServiceMethodDescriptorSupplier("ListCustomJobs"))
              .build();
        }
      }
    }
    return getListCustomJobsMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static ExperimentRunServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ExperimentRunServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ExperimentRunServiceStub>() {
        @java.lang.Override
        public ExperimentRunServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ExperimentRunServiceStub(channel, callOptions);
        }
      };
    return ExperimentRunServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static ExperimentRunServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ExperimentRunServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ExperimentRunServiceBlockingV2Stub>() {
        @java.lang.Override
        public ExperimentRunServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ExperimentRunServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return ExperimentRunServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static ExperimentRunServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ExperimentRunServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ExperimentRunServiceBlockingStub>() {
        @java.lang.Override
        public ExperimentRunServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ExperimentRunServiceBlockingStub(channel, callOptions);
        }
      };
    return ExperimentRunServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static ExperimentRunServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ExperimentRunServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ExperimentRunServiceFutureStub>() {
        @java.lang.Override
        public ExperimentRunServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ExperimentRunServiceFutureStub(channel, callOptions);
        }
      };
    return ExperimentRunServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * The Vertex AI Experiments `ExperimentRun` API for every language.
   * Errors carry the canonical code, one `google.rpc.ErrorInfo` (domain `exprun.dev`) and, for
   * bad input, a `google.rpc.BadRequest` naming each offending field. A rejected request changes
   * nothing that is stored. An error quotes at most 256 characters of an offending value (a longer
   * one is cut, with its length), so its trailers stay far below gRPC's metadata limits.
   * A server serving its limit of calls (`--max-concurrent-rpcs`, 1000 by default; health checks
   * are not counted) refuses new ones with RESOURCE_EXHAUSTED, reason `SERVER_OVERLOADED`, and a
   * `google.rpc.RetryInfo` delay; a call once accepted is never cut off.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Creates an experiment. ALREADY_EXISTS if it exists.
     * </pre>
     */
    default void createExperiment(dev.exprun.v1.CreateExperimentRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Experiment> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateExperimentMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gets an experiment. NOT_FOUND if it does not exist.
     * </pre>
     */
    default void getExperiment(dev.exprun.v1.GetExperimentRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Experiment> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetExperimentMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists experiments of a project and location, oldest first.
     * </pre>
     */
    default void listExperiments(dev.exprun.v1.ListExperimentsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListExperimentsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListExperimentsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes an experiment and all its runs (the SDK's `Experiment.delete`).
     * </pre>
     */
    default void deleteExperiment(dev.exprun.v1.DeleteExperimentRequest request,
        io.grpc.stub.StreamObserver<com.google.protobuf.Empty> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteExperimentMethod(), responseObserver);
    }

    /**
     * <pre>
     * Creates a run in an experiment (the SDK's `ExperimentRun.create`).
     * </pre>
     */
    default void createRun(dev.exprun.v1.CreateRunRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateRunMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gets a run (the SDK's `ExperimentRun(...)` and `ExperimentRun.get`).
     * </pre>
     */
    default void getRun(dev.exprun.v1.GetRunRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetRunMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists the runs of an experiment (the SDK's `ExperimentRun.list`).
     * </pre>
     */
    default void listRuns(dev.exprun.v1.ListRunsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListRunsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListRunsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes a run, its time series, artifacts and links (the SDK's `ExperimentRun.delete`).
     * </pre>
     */
    default void deleteRun(dev.exprun.v1.DeleteRunRequest request,
        io.grpc.stub.StreamObserver<com.google.protobuf.Empty> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteRunMethod(), responseObserver);
    }

    /**
     * <pre>
     * Sets the state of a run (the SDK's `update_state`).
     * </pre>
     */
    default void updateRunState(dev.exprun.v1.UpdateRunStateRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateRunStateMethod(), responseObserver);
    }

    /**
     * <pre>
     * Ends a run: sets its state, `RUN_STATE_COMPLETE` by default (the SDK's `end_run`).
     * </pre>
     */
    default void endRun(dev.exprun.v1.EndRunRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getEndRunMethod(), responseObserver);
    }

    /**
     * <pre>
     * Merges params into a run, key by key; a logged key overwrites (the SDK's `log_params`).
     * </pre>
     */
    default void logParams(dev.exprun.v1.LogParamsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getLogParamsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gets a run's params (the SDK's `get_params`).
     * </pre>
     */
    default void getParams(dev.exprun.v1.GetParamsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.GetParamsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetParamsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Merges summary metrics into a run, key by key (the SDK's `log_metrics`).
     * </pre>
     */
    default void logMetrics(dev.exprun.v1.LogMetricsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getLogMetricsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gets a run's summary metrics (the SDK's `get_metrics`).
     * </pre>
     */
    default void getMetrics(dev.exprun.v1.GetMetricsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.GetMetricsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetMetricsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Logs a confusion matrix and/or ROC curve (the SDK's `log_classification_metrics`).
     * </pre>
     */
    default void logClassificationMetrics(dev.exprun.v1.LogClassificationMetricsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ClassificationMetrics> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getLogClassificationMetricsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists a run's classification metrics, oldest first (the SDK's `get_classification_metrics`).
     * </pre>
     */
    default void listClassificationMetrics(dev.exprun.v1.ListClassificationMetricsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListClassificationMetricsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListClassificationMetricsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Writes one batch of time-series points (the SDK's `log_time_series_metrics`).
     * Idempotent by `(writer_id, sequence)` when both are given.
     * </pre>
     */
    default void writeTimeSeries(dev.exprun.v1.WriteTimeSeriesRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.WriteTimeSeriesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getWriteTimeSeriesMethod(), responseObserver);
    }

    /**
     * <pre>
     * Streams batches of time-series points with cumulative acknowledgements. The first request
     * opens the stream with the run and the writer; the first response tells the writer's highest
     * committed sequence, so a reconnecting writer resends only what is not committed.
     * The `open` must arrive within the server's open deadline (`--stream-open-timeout`, 10 s by
     * default), else the stream ends with INVALID_ARGUMENT, reason `OPEN_TIMEOUT`. This stream,
     * `LogModel` and `ReadTimeSeries` count against a per-principal cap on open streams
     * (`--max-streams-per-principal`, 256 by default; without authentication all callers share
     * it): a stream over the cap gets RESOURCE_EXHAUSTED, reason `TOO_MANY_STREAMS`, with a
     * `google.rpc.RetryInfo` delay.
     * </pre>
     */
    default io.grpc.stub.StreamObserver<dev.exprun.v1.StreamTimeSeriesRequest> streamTimeSeries(
        io.grpc.stub.StreamObserver<dev.exprun.v1.StreamTimeSeriesResponse> responseObserver) {
      return io.grpc.stub.ServerCalls.asyncUnimplementedStreamingCall(getStreamTimeSeriesMethod(), responseObserver);
    }

    /**
     * <pre>
     * Tells the server a RUNNING run's producer is alive. A run that has sent a heartbeat or
     * opened a time-series stream is watched: silent past the server's liveness timeout, it moves
     * to RUN_STATE_FAILED with a `state_reason`, instead of staying RUNNING forever after a crash.
     * </pre>
     */
    default void heartbeat(dev.exprun.v1.HeartbeatRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.HeartbeatResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getHeartbeatMethod(), responseObserver);
    }

    /**
     * <pre>
     * Reads a run's time series in column-major chunks (the SDK's `get_time_series_data_frame`).
     * Counts against the per-principal stream cap (see `StreamTimeSeries`).
     * </pre>
     */
    default void readTimeSeries(dev.exprun.v1.ReadTimeSeriesRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ReadTimeSeriesResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getReadTimeSeriesMethod(), responseObserver);
    }

    /**
     * <pre>
     * Assigns the Vertex TensorBoard that backs a run's time series (the SDK's
     * `assign_backing_tensorboard`). FAILED_PRECONDITION if another one is assigned.
     * </pre>
     */
    default void assignBackingTensorboard(dev.exprun.v1.AssignBackingTensorboardRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getAssignBackingTensorboardMethod(), responseObserver);
    }

    /**
     * <pre>
     * Associates an execution with a run, creating it if it does not exist (the SDK's
     * `associate_execution`).
     * </pre>
     */
    default void associateExecution(dev.exprun.v1.AssociateExecutionRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Execution> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getAssociateExecutionMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists the executions of a run (the SDK's `get_executions`) or of a metadata store (the
     * SDK's `Execution.list`).
     * </pre>
     */
    default void listExecutions(dev.exprun.v1.ListExecutionsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListExecutionsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListExecutionsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists the artifacts of a run (the SDK's `get_artifacts`).
     * </pre>
     */
    default void listArtifacts(dev.exprun.v1.ListArtifactsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListArtifactsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListArtifactsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Creates an execution in the metadata store of a location (the SDK's `Execution.create`).
     * ALREADY_EXISTS if an execution with that ID exists.
     * </pre>
     */
    default void createExecution(dev.exprun.v1.CreateExecutionRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Execution> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateExecutionMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gets an execution (the SDK's `Execution.get`). NOT_FOUND if it does not exist.
     * </pre>
     */
    default void getExecution(dev.exprun.v1.GetExecutionRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Execution> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetExecutionMethod(), responseObserver);
    }

    /**
     * <pre>
     * Updates an execution's state, display name, description or metadata (the SDK's
     * `Execution.update`); metadata is merged key by key, as the SDK merges it.
     * </pre>
     */
    default void updateExecution(dev.exprun.v1.UpdateExecutionRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Execution> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateExecutionMethod(), responseObserver);
    }

    /**
     * <pre>
     * Records artifacts as inputs or outputs of an execution (the SDK's
     * `assign_input_artifacts` / `assign_output_artifacts`). Recording one again is a no-op.
     * </pre>
     */
    default void addExecutionEvents(dev.exprun.v1.AddExecutionEventsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.AddExecutionEventsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getAddExecutionEventsMethod(), responseObserver);
    }

    /**
     * <pre>
     * The input and output artifacts of an execution (the SDK's `get_input_artifacts` /
     * `get_output_artifacts`).
     * </pre>
     */
    default void queryExecutionInputsAndOutputs(dev.exprun.v1.QueryExecutionInputsAndOutputsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ExecutionInputsAndOutputs> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getQueryExecutionInputsAndOutputsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Logs a model to a run (the SDK's `log_model`): a header, then the files' bytes in chunks
     * in the order the header lists them, or only a header whose model has a `uri`. Counts
     * against the per-principal stream cap (see `StreamTimeSeries`).
     * </pre>
     */
    default io.grpc.stub.StreamObserver<dev.exprun.v1.LogModelRequest> logModel(
        io.grpc.stub.StreamObserver<dev.exprun.v1.ExperimentModel> responseObserver) {
      return io.grpc.stub.ServerCalls.asyncUnimplementedStreamingCall(getLogModelMethod(), responseObserver);
    }

    /**
     * <pre>
     * Streams an uploaded model's files (the SDK's `load_model` reads them): each file's bytes
     * in chunks of at most 1 MiB, files in the order of the model's `files`, an empty file as one
     * empty chunk. FAILED_PRECONDITION for a model logged by reference (nothing was uploaded).
     * </pre>
     */
    default void downloadModel(dev.exprun.v1.DownloadModelRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ModelChunk> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDownloadModelMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gets a model by its artifact name (the SDK's `get_experiment_model`), also after its run
     * was deleted.
     * </pre>
     */
    default void getExperimentModel(dev.exprun.v1.GetExperimentModelRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ExperimentModel> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetExperimentModelMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists the models logged to a run (the SDK's `get_experiment_models`).
     * </pre>
     */
    default void listExperimentModels(dev.exprun.v1.ListExperimentModelsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListExperimentModelsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListExperimentModelsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Links a Vertex pipeline job to a run (the SDK's `log(pipeline_job=...)`).
     * </pre>
     */
    default void logPipelineJob(dev.exprun.v1.LogPipelineJobRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.PipelineJobLink> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getLogPipelineJobMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists the pipeline jobs linked to a run (the SDK's `get_logged_pipeline_jobs`).
     * </pre>
     */
    default void listPipelineJobs(dev.exprun.v1.ListPipelineJobsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListPipelineJobsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListPipelineJobsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Links a Vertex custom job to a run (what the SDK's `CustomJob` does for an experiment run).
     * </pre>
     */
    default void logCustomJob(dev.exprun.v1.LogCustomJobRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.CustomJobLink> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getLogCustomJobMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists the custom jobs linked to a run (the SDK's `get_logged_custom_jobs`).
     * </pre>
     */
    default void listCustomJobs(dev.exprun.v1.ListCustomJobsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListCustomJobsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListCustomJobsMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service ExperimentRunService.
   * <pre>
   * The Vertex AI Experiments `ExperimentRun` API for every language.
   * Errors carry the canonical code, one `google.rpc.ErrorInfo` (domain `exprun.dev`) and, for
   * bad input, a `google.rpc.BadRequest` naming each offending field. A rejected request changes
   * nothing that is stored. An error quotes at most 256 characters of an offending value (a longer
   * one is cut, with its length), so its trailers stay far below gRPC's metadata limits.
   * A server serving its limit of calls (`--max-concurrent-rpcs`, 1000 by default; health checks
   * are not counted) refuses new ones with RESOURCE_EXHAUSTED, reason `SERVER_OVERLOADED`, and a
   * `google.rpc.RetryInfo` delay; a call once accepted is never cut off.
   * </pre>
   */
  public static abstract class ExperimentRunServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return ExperimentRunServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service ExperimentRunService.
   * <pre>
   * The Vertex AI Experiments `ExperimentRun` API for every language.
   * Errors carry the canonical code, one `google.rpc.ErrorInfo` (domain `exprun.dev`) and, for
   * bad input, a `google.rpc.BadRequest` naming each offending field. A rejected request changes
   * nothing that is stored. An error quotes at most 256 characters of an offending value (a longer
   * one is cut, with its length), so its trailers stay far below gRPC's metadata limits.
   * A server serving its limit of calls (`--max-concurrent-rpcs`, 1000 by default; health checks
   * are not counted) refuses new ones with RESOURCE_EXHAUSTED, reason `SERVER_OVERLOADED`, and a
   * `google.rpc.RetryInfo` delay; a call once accepted is never cut off.
   * </pre>
   */
  public static final class ExperimentRunServiceStub
      extends io.grpc.stub.AbstractAsyncStub<ExperimentRunServiceStub> {
    private ExperimentRunServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ExperimentRunServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ExperimentRunServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates an experiment. ALREADY_EXISTS if it exists.
     * </pre>
     */
    public void createExperiment(dev.exprun.v1.CreateExperimentRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Experiment> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateExperimentMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gets an experiment. NOT_FOUND if it does not exist.
     * </pre>
     */
    public void getExperiment(dev.exprun.v1.GetExperimentRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Experiment> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetExperimentMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists experiments of a project and location, oldest first.
     * </pre>
     */
    public void listExperiments(dev.exprun.v1.ListExperimentsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListExperimentsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListExperimentsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes an experiment and all its runs (the SDK's `Experiment.delete`).
     * </pre>
     */
    public void deleteExperiment(dev.exprun.v1.DeleteExperimentRequest request,
        io.grpc.stub.StreamObserver<com.google.protobuf.Empty> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteExperimentMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Creates a run in an experiment (the SDK's `ExperimentRun.create`).
     * </pre>
     */
    public void createRun(dev.exprun.v1.CreateRunRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateRunMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gets a run (the SDK's `ExperimentRun(...)` and `ExperimentRun.get`).
     * </pre>
     */
    public void getRun(dev.exprun.v1.GetRunRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetRunMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists the runs of an experiment (the SDK's `ExperimentRun.list`).
     * </pre>
     */
    public void listRuns(dev.exprun.v1.ListRunsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListRunsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListRunsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes a run, its time series, artifacts and links (the SDK's `ExperimentRun.delete`).
     * </pre>
     */
    public void deleteRun(dev.exprun.v1.DeleteRunRequest request,
        io.grpc.stub.StreamObserver<com.google.protobuf.Empty> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteRunMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Sets the state of a run (the SDK's `update_state`).
     * </pre>
     */
    public void updateRunState(dev.exprun.v1.UpdateRunStateRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateRunStateMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Ends a run: sets its state, `RUN_STATE_COMPLETE` by default (the SDK's `end_run`).
     * </pre>
     */
    public void endRun(dev.exprun.v1.EndRunRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getEndRunMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Merges params into a run, key by key; a logged key overwrites (the SDK's `log_params`).
     * </pre>
     */
    public void logParams(dev.exprun.v1.LogParamsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getLogParamsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gets a run's params (the SDK's `get_params`).
     * </pre>
     */
    public void getParams(dev.exprun.v1.GetParamsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.GetParamsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetParamsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Merges summary metrics into a run, key by key (the SDK's `log_metrics`).
     * </pre>
     */
    public void logMetrics(dev.exprun.v1.LogMetricsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getLogMetricsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gets a run's summary metrics (the SDK's `get_metrics`).
     * </pre>
     */
    public void getMetrics(dev.exprun.v1.GetMetricsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.GetMetricsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetMetricsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Logs a confusion matrix and/or ROC curve (the SDK's `log_classification_metrics`).
     * </pre>
     */
    public void logClassificationMetrics(dev.exprun.v1.LogClassificationMetricsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ClassificationMetrics> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getLogClassificationMetricsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists a run's classification metrics, oldest first (the SDK's `get_classification_metrics`).
     * </pre>
     */
    public void listClassificationMetrics(dev.exprun.v1.ListClassificationMetricsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListClassificationMetricsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListClassificationMetricsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Writes one batch of time-series points (the SDK's `log_time_series_metrics`).
     * Idempotent by `(writer_id, sequence)` when both are given.
     * </pre>
     */
    public void writeTimeSeries(dev.exprun.v1.WriteTimeSeriesRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.WriteTimeSeriesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getWriteTimeSeriesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Streams batches of time-series points with cumulative acknowledgements. The first request
     * opens the stream with the run and the writer; the first response tells the writer's highest
     * committed sequence, so a reconnecting writer resends only what is not committed.
     * The `open` must arrive within the server's open deadline (`--stream-open-timeout`, 10 s by
     * default), else the stream ends with INVALID_ARGUMENT, reason `OPEN_TIMEOUT`. This stream,
     * `LogModel` and `ReadTimeSeries` count against a per-principal cap on open streams
     * (`--max-streams-per-principal`, 256 by default; without authentication all callers share
     * it): a stream over the cap gets RESOURCE_EXHAUSTED, reason `TOO_MANY_STREAMS`, with a
     * `google.rpc.RetryInfo` delay.
     * </pre>
     */
    public io.grpc.stub.StreamObserver<dev.exprun.v1.StreamTimeSeriesRequest> streamTimeSeries(
        io.grpc.stub.StreamObserver<dev.exprun.v1.StreamTimeSeriesResponse> responseObserver) {
      return io.grpc.stub.ClientCalls.asyncBidiStreamingCall(
          getChannel().newCall(getStreamTimeSeriesMethod(), getCallOptions()), responseObserver);
    }

    /**
     * <pre>
     * Tells the server a RUNNING run's producer is alive. A run that has sent a heartbeat or
     * opened a time-series stream is watched: silent past the server's liveness timeout, it moves
     * to RUN_STATE_FAILED with a `state_reason`, instead of staying RUNNING forever after a crash.
     * </pre>
     */
    public void heartbeat(dev.exprun.v1.HeartbeatRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.HeartbeatResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getHeartbeatMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Reads a run's time series in column-major chunks (the SDK's `get_time_series_data_frame`).
     * Counts against the per-principal stream cap (see `StreamTimeSeries`).
     * </pre>
     */
    public void readTimeSeries(dev.exprun.v1.ReadTimeSeriesRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ReadTimeSeriesResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getReadTimeSeriesMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Assigns the Vertex TensorBoard that backs a run's time series (the SDK's
     * `assign_backing_tensorboard`). FAILED_PRECONDITION if another one is assigned.
     * </pre>
     */
    public void assignBackingTensorboard(dev.exprun.v1.AssignBackingTensorboardRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Run> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getAssignBackingTensorboardMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Associates an execution with a run, creating it if it does not exist (the SDK's
     * `associate_execution`).
     * </pre>
     */
    public void associateExecution(dev.exprun.v1.AssociateExecutionRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Execution> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getAssociateExecutionMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists the executions of a run (the SDK's `get_executions`) or of a metadata store (the
     * SDK's `Execution.list`).
     * </pre>
     */
    public void listExecutions(dev.exprun.v1.ListExecutionsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListExecutionsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListExecutionsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists the artifacts of a run (the SDK's `get_artifacts`).
     * </pre>
     */
    public void listArtifacts(dev.exprun.v1.ListArtifactsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListArtifactsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListArtifactsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Creates an execution in the metadata store of a location (the SDK's `Execution.create`).
     * ALREADY_EXISTS if an execution with that ID exists.
     * </pre>
     */
    public void createExecution(dev.exprun.v1.CreateExecutionRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Execution> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateExecutionMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gets an execution (the SDK's `Execution.get`). NOT_FOUND if it does not exist.
     * </pre>
     */
    public void getExecution(dev.exprun.v1.GetExecutionRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Execution> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetExecutionMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Updates an execution's state, display name, description or metadata (the SDK's
     * `Execution.update`); metadata is merged key by key, as the SDK merges it.
     * </pre>
     */
    public void updateExecution(dev.exprun.v1.UpdateExecutionRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.Execution> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateExecutionMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Records artifacts as inputs or outputs of an execution (the SDK's
     * `assign_input_artifacts` / `assign_output_artifacts`). Recording one again is a no-op.
     * </pre>
     */
    public void addExecutionEvents(dev.exprun.v1.AddExecutionEventsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.AddExecutionEventsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getAddExecutionEventsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * The input and output artifacts of an execution (the SDK's `get_input_artifacts` /
     * `get_output_artifacts`).
     * </pre>
     */
    public void queryExecutionInputsAndOutputs(dev.exprun.v1.QueryExecutionInputsAndOutputsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ExecutionInputsAndOutputs> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getQueryExecutionInputsAndOutputsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Logs a model to a run (the SDK's `log_model`): a header, then the files' bytes in chunks
     * in the order the header lists them, or only a header whose model has a `uri`. Counts
     * against the per-principal stream cap (see `StreamTimeSeries`).
     * </pre>
     */
    public io.grpc.stub.StreamObserver<dev.exprun.v1.LogModelRequest> logModel(
        io.grpc.stub.StreamObserver<dev.exprun.v1.ExperimentModel> responseObserver) {
      return io.grpc.stub.ClientCalls.asyncClientStreamingCall(
          getChannel().newCall(getLogModelMethod(), getCallOptions()), responseObserver);
    }

    /**
     * <pre>
     * Streams an uploaded model's files (the SDK's `load_model` reads them): each file's bytes
     * in chunks of at most 1 MiB, files in the order of the model's `files`, an empty file as one
     * empty chunk. FAILED_PRECONDITION for a model logged by reference (nothing was uploaded).
     * </pre>
     */
    public void downloadModel(dev.exprun.v1.DownloadModelRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ModelChunk> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getDownloadModelMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gets a model by its artifact name (the SDK's `get_experiment_model`), also after its run
     * was deleted.
     * </pre>
     */
    public void getExperimentModel(dev.exprun.v1.GetExperimentModelRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ExperimentModel> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetExperimentModelMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists the models logged to a run (the SDK's `get_experiment_models`).
     * </pre>
     */
    public void listExperimentModels(dev.exprun.v1.ListExperimentModelsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListExperimentModelsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListExperimentModelsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Links a Vertex pipeline job to a run (the SDK's `log(pipeline_job=...)`).
     * </pre>
     */
    public void logPipelineJob(dev.exprun.v1.LogPipelineJobRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.PipelineJobLink> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getLogPipelineJobMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists the pipeline jobs linked to a run (the SDK's `get_logged_pipeline_jobs`).
     * </pre>
     */
    public void listPipelineJobs(dev.exprun.v1.ListPipelineJobsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListPipelineJobsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListPipelineJobsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Links a Vertex custom job to a run (what the SDK's `CustomJob` does for an experiment run).
     * </pre>
     */
    public void logCustomJob(dev.exprun.v1.LogCustomJobRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.CustomJobLink> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getLogCustomJobMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists the custom jobs linked to a run (the SDK's `get_logged_custom_jobs`).
     * </pre>
     */
    public void listCustomJobs(dev.exprun.v1.ListCustomJobsRequest request,
        io.grpc.stub.StreamObserver<dev.exprun.v1.ListCustomJobsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListCustomJobsMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service ExperimentRunService.
   * <pre>
   * The Vertex AI Experiments `ExperimentRun` API for every language.
   * Errors carry the canonical code, one `google.rpc.ErrorInfo` (domain `exprun.dev`) and, for
   * bad input, a `google.rpc.BadRequest` naming each offending field. A rejected request changes
   * nothing that is stored. An error quotes at most 256 characters of an offending value (a longer
   * one is cut, with its length), so its trailers stay far below gRPC's metadata limits.
   * A server serving its limit of calls (`--max-concurrent-rpcs`, 1000 by default; health checks
   * are not counted) refuses new ones with RESOURCE_EXHAUSTED, reason `SERVER_OVERLOADED`, and a
   * `google.rpc.RetryInfo` delay; a call once accepted is never cut off.
   * </pre>
   */
  public static final class ExperimentRunServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<ExperimentRunServiceBlockingV2Stub> {
    private ExperimentRunServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ExperimentRunServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ExperimentRunServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates an experiment. ALREADY_EXISTS if it exists.
     * </pre>
     */
    public dev.exprun.v1.Experiment createExperiment(dev.exprun.v1.CreateExperimentRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateExperimentMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets an experiment. NOT_FOUND if it does not exist.
     * </pre>
     */
    public dev.exprun.v1.Experiment getExperiment(dev.exprun.v1.GetExperimentRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetExperimentMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists experiments of a project and location, oldest first.
     * </pre>
     */
    public dev.exprun.v1.ListExperimentsResponse listExperiments(dev.exprun.v1.ListExperimentsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListExperimentsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes an experiment and all its runs (the SDK's `Experiment.delete`).
     * </pre>
     */
    public com.google.protobuf.Empty deleteExperiment(dev.exprun.v1.DeleteExperimentRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteExperimentMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Creates a run in an experiment (the SDK's `ExperimentRun.create`).
     * </pre>
     */
    public dev.exprun.v1.Run createRun(dev.exprun.v1.CreateRunRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateRunMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets a run (the SDK's `ExperimentRun(...)` and `ExperimentRun.get`).
     * </pre>
     */
    public dev.exprun.v1.Run getRun(dev.exprun.v1.GetRunRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetRunMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the runs of an experiment (the SDK's `ExperimentRun.list`).
     * </pre>
     */
    public dev.exprun.v1.ListRunsResponse listRuns(dev.exprun.v1.ListRunsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListRunsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes a run, its time series, artifacts and links (the SDK's `ExperimentRun.delete`).
     * </pre>
     */
    public com.google.protobuf.Empty deleteRun(dev.exprun.v1.DeleteRunRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteRunMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sets the state of a run (the SDK's `update_state`).
     * </pre>
     */
    public dev.exprun.v1.Run updateRunState(dev.exprun.v1.UpdateRunStateRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateRunStateMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Ends a run: sets its state, `RUN_STATE_COMPLETE` by default (the SDK's `end_run`).
     * </pre>
     */
    public dev.exprun.v1.Run endRun(dev.exprun.v1.EndRunRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getEndRunMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Merges params into a run, key by key; a logged key overwrites (the SDK's `log_params`).
     * </pre>
     */
    public dev.exprun.v1.Run logParams(dev.exprun.v1.LogParamsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getLogParamsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets a run's params (the SDK's `get_params`).
     * </pre>
     */
    public dev.exprun.v1.GetParamsResponse getParams(dev.exprun.v1.GetParamsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetParamsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Merges summary metrics into a run, key by key (the SDK's `log_metrics`).
     * </pre>
     */
    public dev.exprun.v1.Run logMetrics(dev.exprun.v1.LogMetricsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getLogMetricsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets a run's summary metrics (the SDK's `get_metrics`).
     * </pre>
     */
    public dev.exprun.v1.GetMetricsResponse getMetrics(dev.exprun.v1.GetMetricsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetMetricsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Logs a confusion matrix and/or ROC curve (the SDK's `log_classification_metrics`).
     * </pre>
     */
    public dev.exprun.v1.ClassificationMetrics logClassificationMetrics(dev.exprun.v1.LogClassificationMetricsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getLogClassificationMetricsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists a run's classification metrics, oldest first (the SDK's `get_classification_metrics`).
     * </pre>
     */
    public dev.exprun.v1.ListClassificationMetricsResponse listClassificationMetrics(dev.exprun.v1.ListClassificationMetricsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListClassificationMetricsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Writes one batch of time-series points (the SDK's `log_time_series_metrics`).
     * Idempotent by `(writer_id, sequence)` when both are given.
     * </pre>
     */
    public dev.exprun.v1.WriteTimeSeriesResponse writeTimeSeries(dev.exprun.v1.WriteTimeSeriesRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getWriteTimeSeriesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams batches of time-series points with cumulative acknowledgements. The first request
     * opens the stream with the run and the writer; the first response tells the writer's highest
     * committed sequence, so a reconnecting writer resends only what is not committed.
     * The `open` must arrive within the server's open deadline (`--stream-open-timeout`, 10 s by
     * default), else the stream ends with INVALID_ARGUMENT, reason `OPEN_TIMEOUT`. This stream,
     * `LogModel` and `ReadTimeSeries` count against a per-principal cap on open streams
     * (`--max-streams-per-principal`, 256 by default; without authentication all callers share
     * it): a stream over the cap gets RESOURCE_EXHAUSTED, reason `TOO_MANY_STREAMS`, with a
     * `google.rpc.RetryInfo` delay.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<dev.exprun.v1.StreamTimeSeriesRequest, dev.exprun.v1.StreamTimeSeriesResponse>
        streamTimeSeries() {
      return io.grpc.stub.ClientCalls.blockingBidiStreamingCall(
          getChannel(), getStreamTimeSeriesMethod(), getCallOptions());
    }

    /**
     * <pre>
     * Tells the server a RUNNING run's producer is alive. A run that has sent a heartbeat or
     * opened a time-series stream is watched: silent past the server's liveness timeout, it moves
     * to RUN_STATE_FAILED with a `state_reason`, instead of staying RUNNING forever after a crash.
     * </pre>
     */
    public dev.exprun.v1.HeartbeatResponse heartbeat(dev.exprun.v1.HeartbeatRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getHeartbeatMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Reads a run's time series in column-major chunks (the SDK's `get_time_series_data_frame`).
     * Counts against the per-principal stream cap (see `StreamTimeSeries`).
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.exprun.v1.ReadTimeSeriesResponse>
        readTimeSeries(dev.exprun.v1.ReadTimeSeriesRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getReadTimeSeriesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Assigns the Vertex TensorBoard that backs a run's time series (the SDK's
     * `assign_backing_tensorboard`). FAILED_PRECONDITION if another one is assigned.
     * </pre>
     */
    public dev.exprun.v1.Run assignBackingTensorboard(dev.exprun.v1.AssignBackingTensorboardRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getAssignBackingTensorboardMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Associates an execution with a run, creating it if it does not exist (the SDK's
     * `associate_execution`).
     * </pre>
     */
    public dev.exprun.v1.Execution associateExecution(dev.exprun.v1.AssociateExecutionRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getAssociateExecutionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the executions of a run (the SDK's `get_executions`) or of a metadata store (the
     * SDK's `Execution.list`).
     * </pre>
     */
    public dev.exprun.v1.ListExecutionsResponse listExecutions(dev.exprun.v1.ListExecutionsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListExecutionsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the artifacts of a run (the SDK's `get_artifacts`).
     * </pre>
     */
    public dev.exprun.v1.ListArtifactsResponse listArtifacts(dev.exprun.v1.ListArtifactsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListArtifactsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Creates an execution in the metadata store of a location (the SDK's `Execution.create`).
     * ALREADY_EXISTS if an execution with that ID exists.
     * </pre>
     */
    public dev.exprun.v1.Execution createExecution(dev.exprun.v1.CreateExecutionRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateExecutionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets an execution (the SDK's `Execution.get`). NOT_FOUND if it does not exist.
     * </pre>
     */
    public dev.exprun.v1.Execution getExecution(dev.exprun.v1.GetExecutionRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetExecutionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates an execution's state, display name, description or metadata (the SDK's
     * `Execution.update`); metadata is merged key by key, as the SDK merges it.
     * </pre>
     */
    public dev.exprun.v1.Execution updateExecution(dev.exprun.v1.UpdateExecutionRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateExecutionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Records artifacts as inputs or outputs of an execution (the SDK's
     * `assign_input_artifacts` / `assign_output_artifacts`). Recording one again is a no-op.
     * </pre>
     */
    public dev.exprun.v1.AddExecutionEventsResponse addExecutionEvents(dev.exprun.v1.AddExecutionEventsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getAddExecutionEventsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * The input and output artifacts of an execution (the SDK's `get_input_artifacts` /
     * `get_output_artifacts`).
     * </pre>
     */
    public dev.exprun.v1.ExecutionInputsAndOutputs queryExecutionInputsAndOutputs(dev.exprun.v1.QueryExecutionInputsAndOutputsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getQueryExecutionInputsAndOutputsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Logs a model to a run (the SDK's `log_model`): a header, then the files' bytes in chunks
     * in the order the header lists them, or only a header whose model has a `uri`. Counts
     * against the per-principal stream cap (see `StreamTimeSeries`).
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<dev.exprun.v1.LogModelRequest, dev.exprun.v1.ExperimentModel>
        logModel() {
      return io.grpc.stub.ClientCalls.blockingClientStreamingCall(
          getChannel(), getLogModelMethod(), getCallOptions());
    }

    /**
     * <pre>
     * Streams an uploaded model's files (the SDK's `load_model` reads them): each file's bytes
     * in chunks of at most 1 MiB, files in the order of the model's `files`, an empty file as one
     * empty chunk. FAILED_PRECONDITION for a model logged by reference (nothing was uploaded).
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.exprun.v1.ModelChunk>
        downloadModel(dev.exprun.v1.DownloadModelRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getDownloadModelMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets a model by its artifact name (the SDK's `get_experiment_model`), also after its run
     * was deleted.
     * </pre>
     */
    public dev.exprun.v1.ExperimentModel getExperimentModel(dev.exprun.v1.GetExperimentModelRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetExperimentModelMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the models logged to a run (the SDK's `get_experiment_models`).
     * </pre>
     */
    public dev.exprun.v1.ListExperimentModelsResponse listExperimentModels(dev.exprun.v1.ListExperimentModelsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListExperimentModelsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Links a Vertex pipeline job to a run (the SDK's `log(pipeline_job=...)`).
     * </pre>
     */
    public dev.exprun.v1.PipelineJobLink logPipelineJob(dev.exprun.v1.LogPipelineJobRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getLogPipelineJobMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the pipeline jobs linked to a run (the SDK's `get_logged_pipeline_jobs`).
     * </pre>
     */
    public dev.exprun.v1.ListPipelineJobsResponse listPipelineJobs(dev.exprun.v1.ListPipelineJobsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListPipelineJobsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Links a Vertex custom job to a run (what the SDK's `CustomJob` does for an experiment run).
     * </pre>
     */
    public dev.exprun.v1.CustomJobLink logCustomJob(dev.exprun.v1.LogCustomJobRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getLogCustomJobMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the custom jobs linked to a run (the SDK's `get_logged_custom_jobs`).
     * </pre>
     */
    public dev.exprun.v1.ListCustomJobsResponse listCustomJobs(dev.exprun.v1.ListCustomJobsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListCustomJobsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service ExperimentRunService.
   * <pre>
   * The Vertex AI Experiments `ExperimentRun` API for every language.
   * Errors carry the canonical code, one `google.rpc.ErrorInfo` (domain `exprun.dev`) and, for
   * bad input, a `google.rpc.BadRequest` naming each offending field. A rejected request changes
   * nothing that is stored. An error quotes at most 256 characters of an offending value (a longer
   * one is cut, with its length), so its trailers stay far below gRPC's metadata limits.
   * A server serving its limit of calls (`--max-concurrent-rpcs`, 1000 by default; health checks
   * are not counted) refuses new ones with RESOURCE_EXHAUSTED, reason `SERVER_OVERLOADED`, and a
   * `google.rpc.RetryInfo` delay; a call once accepted is never cut off.
   * </pre>
   */
  public static final class ExperimentRunServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<ExperimentRunServiceBlockingStub> {
    private ExperimentRunServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ExperimentRunServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ExperimentRunServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates an experiment. ALREADY_EXISTS if it exists.
     * </pre>
     */
    public dev.exprun.v1.Experiment createExperiment(dev.exprun.v1.CreateExperimentRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateExperimentMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets an experiment. NOT_FOUND if it does not exist.
     * </pre>
     */
    public dev.exprun.v1.Experiment getExperiment(dev.exprun.v1.GetExperimentRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetExperimentMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists experiments of a project and location, oldest first.
     * </pre>
     */
    public dev.exprun.v1.ListExperimentsResponse listExperiments(dev.exprun.v1.ListExperimentsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListExperimentsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes an experiment and all its runs (the SDK's `Experiment.delete`).
     * </pre>
     */
    public com.google.protobuf.Empty deleteExperiment(dev.exprun.v1.DeleteExperimentRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteExperimentMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Creates a run in an experiment (the SDK's `ExperimentRun.create`).
     * </pre>
     */
    public dev.exprun.v1.Run createRun(dev.exprun.v1.CreateRunRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateRunMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets a run (the SDK's `ExperimentRun(...)` and `ExperimentRun.get`).
     * </pre>
     */
    public dev.exprun.v1.Run getRun(dev.exprun.v1.GetRunRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetRunMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the runs of an experiment (the SDK's `ExperimentRun.list`).
     * </pre>
     */
    public dev.exprun.v1.ListRunsResponse listRuns(dev.exprun.v1.ListRunsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListRunsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes a run, its time series, artifacts and links (the SDK's `ExperimentRun.delete`).
     * </pre>
     */
    public com.google.protobuf.Empty deleteRun(dev.exprun.v1.DeleteRunRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteRunMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sets the state of a run (the SDK's `update_state`).
     * </pre>
     */
    public dev.exprun.v1.Run updateRunState(dev.exprun.v1.UpdateRunStateRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateRunStateMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Ends a run: sets its state, `RUN_STATE_COMPLETE` by default (the SDK's `end_run`).
     * </pre>
     */
    public dev.exprun.v1.Run endRun(dev.exprun.v1.EndRunRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getEndRunMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Merges params into a run, key by key; a logged key overwrites (the SDK's `log_params`).
     * </pre>
     */
    public dev.exprun.v1.Run logParams(dev.exprun.v1.LogParamsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getLogParamsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets a run's params (the SDK's `get_params`).
     * </pre>
     */
    public dev.exprun.v1.GetParamsResponse getParams(dev.exprun.v1.GetParamsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetParamsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Merges summary metrics into a run, key by key (the SDK's `log_metrics`).
     * </pre>
     */
    public dev.exprun.v1.Run logMetrics(dev.exprun.v1.LogMetricsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getLogMetricsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets a run's summary metrics (the SDK's `get_metrics`).
     * </pre>
     */
    public dev.exprun.v1.GetMetricsResponse getMetrics(dev.exprun.v1.GetMetricsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetMetricsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Logs a confusion matrix and/or ROC curve (the SDK's `log_classification_metrics`).
     * </pre>
     */
    public dev.exprun.v1.ClassificationMetrics logClassificationMetrics(dev.exprun.v1.LogClassificationMetricsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getLogClassificationMetricsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists a run's classification metrics, oldest first (the SDK's `get_classification_metrics`).
     * </pre>
     */
    public dev.exprun.v1.ListClassificationMetricsResponse listClassificationMetrics(dev.exprun.v1.ListClassificationMetricsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListClassificationMetricsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Writes one batch of time-series points (the SDK's `log_time_series_metrics`).
     * Idempotent by `(writer_id, sequence)` when both are given.
     * </pre>
     */
    public dev.exprun.v1.WriteTimeSeriesResponse writeTimeSeries(dev.exprun.v1.WriteTimeSeriesRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getWriteTimeSeriesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Tells the server a RUNNING run's producer is alive. A run that has sent a heartbeat or
     * opened a time-series stream is watched: silent past the server's liveness timeout, it moves
     * to RUN_STATE_FAILED with a `state_reason`, instead of staying RUNNING forever after a crash.
     * </pre>
     */
    public dev.exprun.v1.HeartbeatResponse heartbeat(dev.exprun.v1.HeartbeatRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getHeartbeatMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Reads a run's time series in column-major chunks (the SDK's `get_time_series_data_frame`).
     * Counts against the per-principal stream cap (see `StreamTimeSeries`).
     * </pre>
     */
    public java.util.Iterator<dev.exprun.v1.ReadTimeSeriesResponse> readTimeSeries(
        dev.exprun.v1.ReadTimeSeriesRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getReadTimeSeriesMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Assigns the Vertex TensorBoard that backs a run's time series (the SDK's
     * `assign_backing_tensorboard`). FAILED_PRECONDITION if another one is assigned.
     * </pre>
     */
    public dev.exprun.v1.Run assignBackingTensorboard(dev.exprun.v1.AssignBackingTensorboardRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getAssignBackingTensorboardMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Associates an execution with a run, creating it if it does not exist (the SDK's
     * `associate_execution`).
     * </pre>
     */
    public dev.exprun.v1.Execution associateExecution(dev.exprun.v1.AssociateExecutionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getAssociateExecutionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the executions of a run (the SDK's `get_executions`) or of a metadata store (the
     * SDK's `Execution.list`).
     * </pre>
     */
    public dev.exprun.v1.ListExecutionsResponse listExecutions(dev.exprun.v1.ListExecutionsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListExecutionsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the artifacts of a run (the SDK's `get_artifacts`).
     * </pre>
     */
    public dev.exprun.v1.ListArtifactsResponse listArtifacts(dev.exprun.v1.ListArtifactsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListArtifactsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Creates an execution in the metadata store of a location (the SDK's `Execution.create`).
     * ALREADY_EXISTS if an execution with that ID exists.
     * </pre>
     */
    public dev.exprun.v1.Execution createExecution(dev.exprun.v1.CreateExecutionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateExecutionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets an execution (the SDK's `Execution.get`). NOT_FOUND if it does not exist.
     * </pre>
     */
    public dev.exprun.v1.Execution getExecution(dev.exprun.v1.GetExecutionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetExecutionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates an execution's state, display name, description or metadata (the SDK's
     * `Execution.update`); metadata is merged key by key, as the SDK merges it.
     * </pre>
     */
    public dev.exprun.v1.Execution updateExecution(dev.exprun.v1.UpdateExecutionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateExecutionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Records artifacts as inputs or outputs of an execution (the SDK's
     * `assign_input_artifacts` / `assign_output_artifacts`). Recording one again is a no-op.
     * </pre>
     */
    public dev.exprun.v1.AddExecutionEventsResponse addExecutionEvents(dev.exprun.v1.AddExecutionEventsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getAddExecutionEventsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * The input and output artifacts of an execution (the SDK's `get_input_artifacts` /
     * `get_output_artifacts`).
     * </pre>
     */
    public dev.exprun.v1.ExecutionInputsAndOutputs queryExecutionInputsAndOutputs(dev.exprun.v1.QueryExecutionInputsAndOutputsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getQueryExecutionInputsAndOutputsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams an uploaded model's files (the SDK's `load_model` reads them): each file's bytes
     * in chunks of at most 1 MiB, files in the order of the model's `files`, an empty file as one
     * empty chunk. FAILED_PRECONDITION for a model logged by reference (nothing was uploaded).
     * </pre>
     */
    public java.util.Iterator<dev.exprun.v1.ModelChunk> downloadModel(
        dev.exprun.v1.DownloadModelRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getDownloadModelMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets a model by its artifact name (the SDK's `get_experiment_model`), also after its run
     * was deleted.
     * </pre>
     */
    public dev.exprun.v1.ExperimentModel getExperimentModel(dev.exprun.v1.GetExperimentModelRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetExperimentModelMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the models logged to a run (the SDK's `get_experiment_models`).
     * </pre>
     */
    public dev.exprun.v1.ListExperimentModelsResponse listExperimentModels(dev.exprun.v1.ListExperimentModelsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListExperimentModelsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Links a Vertex pipeline job to a run (the SDK's `log(pipeline_job=...)`).
     * </pre>
     */
    public dev.exprun.v1.PipelineJobLink logPipelineJob(dev.exprun.v1.LogPipelineJobRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getLogPipelineJobMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the pipeline jobs linked to a run (the SDK's `get_logged_pipeline_jobs`).
     * </pre>
     */
    public dev.exprun.v1.ListPipelineJobsResponse listPipelineJobs(dev.exprun.v1.ListPipelineJobsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListPipelineJobsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Links a Vertex custom job to a run (what the SDK's `CustomJob` does for an experiment run).
     * </pre>
     */
    public dev.exprun.v1.CustomJobLink logCustomJob(dev.exprun.v1.LogCustomJobRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getLogCustomJobMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the custom jobs linked to a run (the SDK's `get_logged_custom_jobs`).
     * </pre>
     */
    public dev.exprun.v1.ListCustomJobsResponse listCustomJobs(dev.exprun.v1.ListCustomJobsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListCustomJobsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service ExperimentRunService.
   * <pre>
   * The Vertex AI Experiments `ExperimentRun` API for every language.
   * Errors carry the canonical code, one `google.rpc.ErrorInfo` (domain `exprun.dev`) and, for
   * bad input, a `google.rpc.BadRequest` naming each offending field. A rejected request changes
   * nothing that is stored. An error quotes at most 256 characters of an offending value (a longer
   * one is cut, with its length), so its trailers stay far below gRPC's metadata limits.
   * A server serving its limit of calls (`--max-concurrent-rpcs`, 1000 by default; health checks
   * are not counted) refuses new ones with RESOURCE_EXHAUSTED, reason `SERVER_OVERLOADED`, and a
   * `google.rpc.RetryInfo` delay; a call once accepted is never cut off.
   * </pre>
   */
  public static final class ExperimentRunServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<ExperimentRunServiceFutureStub> {
    private ExperimentRunServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ExperimentRunServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ExperimentRunServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates an experiment. ALREADY_EXISTS if it exists.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Experiment> createExperiment(
        dev.exprun.v1.CreateExperimentRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateExperimentMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gets an experiment. NOT_FOUND if it does not exist.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Experiment> getExperiment(
        dev.exprun.v1.GetExperimentRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetExperimentMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists experiments of a project and location, oldest first.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.ListExperimentsResponse> listExperiments(
        dev.exprun.v1.ListExperimentsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListExperimentsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes an experiment and all its runs (the SDK's `Experiment.delete`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.google.protobuf.Empty> deleteExperiment(
        dev.exprun.v1.DeleteExperimentRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteExperimentMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Creates a run in an experiment (the SDK's `ExperimentRun.create`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Run> createRun(
        dev.exprun.v1.CreateRunRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateRunMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gets a run (the SDK's `ExperimentRun(...)` and `ExperimentRun.get`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Run> getRun(
        dev.exprun.v1.GetRunRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetRunMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists the runs of an experiment (the SDK's `ExperimentRun.list`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.ListRunsResponse> listRuns(
        dev.exprun.v1.ListRunsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListRunsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes a run, its time series, artifacts and links (the SDK's `ExperimentRun.delete`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.google.protobuf.Empty> deleteRun(
        dev.exprun.v1.DeleteRunRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteRunMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Sets the state of a run (the SDK's `update_state`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Run> updateRunState(
        dev.exprun.v1.UpdateRunStateRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateRunStateMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Ends a run: sets its state, `RUN_STATE_COMPLETE` by default (the SDK's `end_run`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Run> endRun(
        dev.exprun.v1.EndRunRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getEndRunMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Merges params into a run, key by key; a logged key overwrites (the SDK's `log_params`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Run> logParams(
        dev.exprun.v1.LogParamsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getLogParamsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gets a run's params (the SDK's `get_params`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.GetParamsResponse> getParams(
        dev.exprun.v1.GetParamsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetParamsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Merges summary metrics into a run, key by key (the SDK's `log_metrics`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Run> logMetrics(
        dev.exprun.v1.LogMetricsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getLogMetricsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gets a run's summary metrics (the SDK's `get_metrics`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.GetMetricsResponse> getMetrics(
        dev.exprun.v1.GetMetricsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetMetricsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Logs a confusion matrix and/or ROC curve (the SDK's `log_classification_metrics`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.ClassificationMetrics> logClassificationMetrics(
        dev.exprun.v1.LogClassificationMetricsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getLogClassificationMetricsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists a run's classification metrics, oldest first (the SDK's `get_classification_metrics`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.ListClassificationMetricsResponse> listClassificationMetrics(
        dev.exprun.v1.ListClassificationMetricsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListClassificationMetricsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Writes one batch of time-series points (the SDK's `log_time_series_metrics`).
     * Idempotent by `(writer_id, sequence)` when both are given.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.WriteTimeSeriesResponse> writeTimeSeries(
        dev.exprun.v1.WriteTimeSeriesRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getWriteTimeSeriesMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Tells the server a RUNNING run's producer is alive. A run that has sent a heartbeat or
     * opened a time-series stream is watched: silent past the server's liveness timeout, it moves
     * to RUN_STATE_FAILED with a `state_reason`, instead of staying RUNNING forever after a crash.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.HeartbeatResponse> heartbeat(
        dev.exprun.v1.HeartbeatRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getHeartbeatMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Assigns the Vertex TensorBoard that backs a run's time series (the SDK's
     * `assign_backing_tensorboard`). FAILED_PRECONDITION if another one is assigned.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Run> assignBackingTensorboard(
        dev.exprun.v1.AssignBackingTensorboardRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getAssignBackingTensorboardMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Associates an execution with a run, creating it if it does not exist (the SDK's
     * `associate_execution`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Execution> associateExecution(
        dev.exprun.v1.AssociateExecutionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getAssociateExecutionMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists the executions of a run (the SDK's `get_executions`) or of a metadata store (the
     * SDK's `Execution.list`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.ListExecutionsResponse> listExecutions(
        dev.exprun.v1.ListExecutionsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListExecutionsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists the artifacts of a run (the SDK's `get_artifacts`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.ListArtifactsResponse> listArtifacts(
        dev.exprun.v1.ListArtifactsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListArtifactsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Creates an execution in the metadata store of a location (the SDK's `Execution.create`).
     * ALREADY_EXISTS if an execution with that ID exists.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Execution> createExecution(
        dev.exprun.v1.CreateExecutionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateExecutionMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gets an execution (the SDK's `Execution.get`). NOT_FOUND if it does not exist.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Execution> getExecution(
        dev.exprun.v1.GetExecutionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetExecutionMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Updates an execution's state, display name, description or metadata (the SDK's
     * `Execution.update`); metadata is merged key by key, as the SDK merges it.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.Execution> updateExecution(
        dev.exprun.v1.UpdateExecutionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateExecutionMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Records artifacts as inputs or outputs of an execution (the SDK's
     * `assign_input_artifacts` / `assign_output_artifacts`). Recording one again is a no-op.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.AddExecutionEventsResponse> addExecutionEvents(
        dev.exprun.v1.AddExecutionEventsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getAddExecutionEventsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * The input and output artifacts of an execution (the SDK's `get_input_artifacts` /
     * `get_output_artifacts`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.ExecutionInputsAndOutputs> queryExecutionInputsAndOutputs(
        dev.exprun.v1.QueryExecutionInputsAndOutputsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getQueryExecutionInputsAndOutputsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gets a model by its artifact name (the SDK's `get_experiment_model`), also after its run
     * was deleted.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.ExperimentModel> getExperimentModel(
        dev.exprun.v1.GetExperimentModelRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetExperimentModelMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists the models logged to a run (the SDK's `get_experiment_models`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.ListExperimentModelsResponse> listExperimentModels(
        dev.exprun.v1.ListExperimentModelsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListExperimentModelsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Links a Vertex pipeline job to a run (the SDK's `log(pipeline_job=...)`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.PipelineJobLink> logPipelineJob(
        dev.exprun.v1.LogPipelineJobRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getLogPipelineJobMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists the pipeline jobs linked to a run (the SDK's `get_logged_pipeline_jobs`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.ListPipelineJobsResponse> listPipelineJobs(
        dev.exprun.v1.ListPipelineJobsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListPipelineJobsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Links a Vertex custom job to a run (what the SDK's `CustomJob` does for an experiment run).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.CustomJobLink> logCustomJob(
        dev.exprun.v1.LogCustomJobRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getLogCustomJobMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists the custom jobs linked to a run (the SDK's `get_logged_custom_jobs`).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.exprun.v1.ListCustomJobsResponse> listCustomJobs(
        dev.exprun.v1.ListCustomJobsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListCustomJobsMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_EXPERIMENT = 0;
  private static final int METHODID_GET_EXPERIMENT = 1;
  private static final int METHODID_LIST_EXPERIMENTS = 2;
  private static final int METHODID_DELETE_EXPERIMENT = 3;
  private static final int METHODID_CREATE_RUN = 4;
  private static final int METHODID_GET_RUN = 5;
  private static final int METHODID_LIST_RUNS = 6;
  private static final int METHODID_DELETE_RUN = 7;
  private static final int METHODID_UPDATE_RUN_STATE = 8;
  private static final int METHODID_END_RUN = 9;
  private static final int METHODID_LOG_PARAMS = 10;
  private static final int METHODID_GET_PARAMS = 11;
  private static final int METHODID_LOG_METRICS = 12;
  private static final int METHODID_GET_METRICS = 13;
  private static final int METHODID_LOG_CLASSIFICATION_METRICS = 14;
  private static final int METHODID_LIST_CLASSIFICATION_METRICS = 15;
  private static final int METHODID_WRITE_TIME_SERIES = 16;
  private static final int METHODID_HEARTBEAT = 17;
  private static final int METHODID_READ_TIME_SERIES = 18;
  private static final int METHODID_ASSIGN_BACKING_TENSORBOARD = 19;
  private static final int METHODID_ASSOCIATE_EXECUTION = 20;
  private static final int METHODID_LIST_EXECUTIONS = 21;
  private static final int METHODID_LIST_ARTIFACTS = 22;
  private static final int METHODID_CREATE_EXECUTION = 23;
  private static final int METHODID_GET_EXECUTION = 24;
  private static final int METHODID_UPDATE_EXECUTION = 25;
  private static final int METHODID_ADD_EXECUTION_EVENTS = 26;
  private static final int METHODID_QUERY_EXECUTION_INPUTS_AND_OUTPUTS = 27;
  private static final int METHODID_DOWNLOAD_MODEL = 28;
  private static final int METHODID_GET_EXPERIMENT_MODEL = 29;
  private static final int METHODID_LIST_EXPERIMENT_MODELS = 30;
  private static final int METHODID_LOG_PIPELINE_JOB = 31;
  private static final int METHODID_LIST_PIPELINE_JOBS = 32;
  private static final int METHODID_LOG_CUSTOM_JOB = 33;
  private static final int METHODID_LIST_CUSTOM_JOBS = 34;
  private static final int METHODID_STREAM_TIME_SERIES = 35;
  private static final int METHODID_LOG_MODEL = 36;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CREATE_EXPERIMENT:
          serviceImpl.createExperiment((dev.exprun.v1.CreateExperimentRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Experiment>) responseObserver);
          break;
        case METHODID_GET_EXPERIMENT:
          serviceImpl.getExperiment((dev.exprun.v1.GetExperimentRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Experiment>) responseObserver);
          break;
        case METHODID_LIST_EXPERIMENTS:
          serviceImpl.listExperiments((dev.exprun.v1.ListExperimentsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ListExperimentsResponse>) responseObserver);
          break;
        case METHODID_DELETE_EXPERIMENT:
          serviceImpl.deleteExperiment((dev.exprun.v1.DeleteExperimentRequest) request,
              (io.grpc.stub.StreamObserver<com.google.protobuf.Empty>) responseObserver);
          break;
        case METHODID_CREATE_RUN:
          serviceImpl.createRun((dev.exprun.v1.CreateRunRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Run>) responseObserver);
          break;
        case METHODID_GET_RUN:
          serviceImpl.getRun((dev.exprun.v1.GetRunRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Run>) responseObserver);
          break;
        case METHODID_LIST_RUNS:
          serviceImpl.listRuns((dev.exprun.v1.ListRunsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ListRunsResponse>) responseObserver);
          break;
        case METHODID_DELETE_RUN:
          serviceImpl.deleteRun((dev.exprun.v1.DeleteRunRequest) request,
              (io.grpc.stub.StreamObserver<com.google.protobuf.Empty>) responseObserver);
          break;
        case METHODID_UPDATE_RUN_STATE:
          serviceImpl.updateRunState((dev.exprun.v1.UpdateRunStateRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Run>) responseObserver);
          break;
        case METHODID_END_RUN:
          serviceImpl.endRun((dev.exprun.v1.EndRunRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Run>) responseObserver);
          break;
        case METHODID_LOG_PARAMS:
          serviceImpl.logParams((dev.exprun.v1.LogParamsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Run>) responseObserver);
          break;
        case METHODID_GET_PARAMS:
          serviceImpl.getParams((dev.exprun.v1.GetParamsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.GetParamsResponse>) responseObserver);
          break;
        case METHODID_LOG_METRICS:
          serviceImpl.logMetrics((dev.exprun.v1.LogMetricsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Run>) responseObserver);
          break;
        case METHODID_GET_METRICS:
          serviceImpl.getMetrics((dev.exprun.v1.GetMetricsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.GetMetricsResponse>) responseObserver);
          break;
        case METHODID_LOG_CLASSIFICATION_METRICS:
          serviceImpl.logClassificationMetrics((dev.exprun.v1.LogClassificationMetricsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ClassificationMetrics>) responseObserver);
          break;
        case METHODID_LIST_CLASSIFICATION_METRICS:
          serviceImpl.listClassificationMetrics((dev.exprun.v1.ListClassificationMetricsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ListClassificationMetricsResponse>) responseObserver);
          break;
        case METHODID_WRITE_TIME_SERIES:
          serviceImpl.writeTimeSeries((dev.exprun.v1.WriteTimeSeriesRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.WriteTimeSeriesResponse>) responseObserver);
          break;
        case METHODID_HEARTBEAT:
          serviceImpl.heartbeat((dev.exprun.v1.HeartbeatRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.HeartbeatResponse>) responseObserver);
          break;
        case METHODID_READ_TIME_SERIES:
          serviceImpl.readTimeSeries((dev.exprun.v1.ReadTimeSeriesRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ReadTimeSeriesResponse>) responseObserver);
          break;
        case METHODID_ASSIGN_BACKING_TENSORBOARD:
          serviceImpl.assignBackingTensorboard((dev.exprun.v1.AssignBackingTensorboardRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Run>) responseObserver);
          break;
        case METHODID_ASSOCIATE_EXECUTION:
          serviceImpl.associateExecution((dev.exprun.v1.AssociateExecutionRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Execution>) responseObserver);
          break;
        case METHODID_LIST_EXECUTIONS:
          serviceImpl.listExecutions((dev.exprun.v1.ListExecutionsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ListExecutionsResponse>) responseObserver);
          break;
        case METHODID_LIST_ARTIFACTS:
          serviceImpl.listArtifacts((dev.exprun.v1.ListArtifactsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ListArtifactsResponse>) responseObserver);
          break;
        case METHODID_CREATE_EXECUTION:
          serviceImpl.createExecution((dev.exprun.v1.CreateExecutionRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Execution>) responseObserver);
          break;
        case METHODID_GET_EXECUTION:
          serviceImpl.getExecution((dev.exprun.v1.GetExecutionRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Execution>) responseObserver);
          break;
        case METHODID_UPDATE_EXECUTION:
          serviceImpl.updateExecution((dev.exprun.v1.UpdateExecutionRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.Execution>) responseObserver);
          break;
        case METHODID_ADD_EXECUTION_EVENTS:
          serviceImpl.addExecutionEvents((dev.exprun.v1.AddExecutionEventsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.AddExecutionEventsResponse>) responseObserver);
          break;
        case METHODID_QUERY_EXECUTION_INPUTS_AND_OUTPUTS:
          serviceImpl.queryExecutionInputsAndOutputs((dev.exprun.v1.QueryExecutionInputsAndOutputsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ExecutionInputsAndOutputs>) responseObserver);
          break;
        case METHODID_DOWNLOAD_MODEL:
          serviceImpl.downloadModel((dev.exprun.v1.DownloadModelRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ModelChunk>) responseObserver);
          break;
        case METHODID_GET_EXPERIMENT_MODEL:
          serviceImpl.getExperimentModel((dev.exprun.v1.GetExperimentModelRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ExperimentModel>) responseObserver);
          break;
        case METHODID_LIST_EXPERIMENT_MODELS:
          serviceImpl.listExperimentModels((dev.exprun.v1.ListExperimentModelsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ListExperimentModelsResponse>) responseObserver);
          break;
        case METHODID_LOG_PIPELINE_JOB:
          serviceImpl.logPipelineJob((dev.exprun.v1.LogPipelineJobRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.PipelineJobLink>) responseObserver);
          break;
        case METHODID_LIST_PIPELINE_JOBS:
          serviceImpl.listPipelineJobs((dev.exprun.v1.ListPipelineJobsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ListPipelineJobsResponse>) responseObserver);
          break;
        case METHODID_LOG_CUSTOM_JOB:
          serviceImpl.logCustomJob((dev.exprun.v1.LogCustomJobRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.CustomJobLink>) responseObserver);
          break;
        case METHODID_LIST_CUSTOM_JOBS:
          serviceImpl.listCustomJobs((dev.exprun.v1.ListCustomJobsRequest) request,
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ListCustomJobsResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_STREAM_TIME_SERIES:
          return (io.grpc.stub.StreamObserver<Req>) serviceImpl.streamTimeSeries(
              (io.grpc.stub.StreamObserver<dev.exprun.v1.StreamTimeSeriesResponse>) responseObserver);
        case METHODID_LOG_MODEL:
          return (io.grpc.stub.StreamObserver<Req>) serviceImpl.logModel(
              (io.grpc.stub.StreamObserver<dev.exprun.v1.ExperimentModel>) responseObserver);
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getCreateExperimentMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.CreateExperimentRequest,
              dev.exprun.v1.Experiment>(
                service, METHODID_CREATE_EXPERIMENT)))
        .addMethod(
          getGetExperimentMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.GetExperimentRequest,
              dev.exprun.v1.Experiment>(
                service, METHODID_GET_EXPERIMENT)))
        .addMethod(
          getListExperimentsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.ListExperimentsRequest,
              dev.exprun.v1.ListExperimentsResponse>(
                service, METHODID_LIST_EXPERIMENTS)))
        .addMethod(
          getDeleteExperimentMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.DeleteExperimentRequest,
              com.google.protobuf.Empty>(
                service, METHODID_DELETE_EXPERIMENT)))
        .addMethod(
          getCreateRunMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.CreateRunRequest,
              dev.exprun.v1.Run>(
                service, METHODID_CREATE_RUN)))
        .addMethod(
          getGetRunMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.GetRunRequest,
              dev.exprun.v1.Run>(
                service, METHODID_GET_RUN)))
        .addMethod(
          getListRunsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.ListRunsRequest,
              dev.exprun.v1.ListRunsResponse>(
                service, METHODID_LIST_RUNS)))
        .addMethod(
          getDeleteRunMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.DeleteRunRequest,
              com.google.protobuf.Empty>(
                service, METHODID_DELETE_RUN)))
        .addMethod(
          getUpdateRunStateMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.UpdateRunStateRequest,
              dev.exprun.v1.Run>(
                service, METHODID_UPDATE_RUN_STATE)))
        .addMethod(
          getEndRunMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.EndRunRequest,
              dev.exprun.v1.Run>(
                service, METHODID_END_RUN)))
        .addMethod(
          getLogParamsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.LogParamsRequest,
              dev.exprun.v1.Run>(
                service, METHODID_LOG_PARAMS)))
        .addMethod(
          getGetParamsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.GetParamsRequest,
              dev.exprun.v1.GetParamsResponse>(
                service, METHODID_GET_PARAMS)))
        .addMethod(
          getLogMetricsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.LogMetricsRequest,
              dev.exprun.v1.Run>(
                service, METHODID_LOG_METRICS)))
        .addMethod(
          getGetMetricsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.GetMetricsRequest,
              dev.exprun.v1.GetMetricsResponse>(
                service, METHODID_GET_METRICS)))
        .addMethod(
          getLogClassificationMetricsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.LogClassificationMetricsRequest,
              dev.exprun.v1.ClassificationMetrics>(
                service, METHODID_LOG_CLASSIFICATION_METRICS)))
        .addMethod(
          getListClassificationMetricsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.ListClassificationMetricsRequest,
              dev.exprun.v1.ListClassificationMetricsResponse>(
                service, METHODID_LIST_CLASSIFICATION_METRICS)))
        .addMethod(
          getWriteTimeSeriesMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.WriteTimeSeriesRequest,
              dev.exprun.v1.WriteTimeSeriesResponse>(
                service, METHODID_WRITE_TIME_SERIES)))
        .addMethod(
          getStreamTimeSeriesMethod(),
          io.grpc.stub.ServerCalls.asyncBidiStreamingCall(
            new MethodHandlers<
              dev.exprun.v1.StreamTimeSeriesRequest,
              dev.exprun.v1.StreamTimeSeriesResponse>(
                service, METHODID_STREAM_TIME_SERIES)))
        .addMethod(
          getHeartbeatMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.HeartbeatRequest,
              dev.exprun.v1.HeartbeatResponse>(
                service, METHODID_HEARTBEAT)))
        .addMethod(
          getReadTimeSeriesMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.exprun.v1.ReadTimeSeriesRequest,
              dev.exprun.v1.ReadTimeSeriesResponse>(
                service, METHODID_READ_TIME_SERIES)))
        .addMethod(
          getAssignBackingTensorboardMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.AssignBackingTensorboardRequest,
              dev.exprun.v1.Run>(
                service, METHODID_ASSIGN_BACKING_TENSORBOARD)))
        .addMethod(
          getAssociateExecutionMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.AssociateExecutionRequest,
              dev.exprun.v1.Execution>(
                service, METHODID_ASSOCIATE_EXECUTION)))
        .addMethod(
          getListExecutionsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.ListExecutionsRequest,
              dev.exprun.v1.ListExecutionsResponse>(
                service, METHODID_LIST_EXECUTIONS)))
        .addMethod(
          getListArtifactsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.ListArtifactsRequest,
              dev.exprun.v1.ListArtifactsResponse>(
                service, METHODID_LIST_ARTIFACTS)))
        .addMethod(
          getCreateExecutionMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.CreateExecutionRequest,
              dev.exprun.v1.Execution>(
                service, METHODID_CREATE_EXECUTION)))
        .addMethod(
          getGetExecutionMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.GetExecutionRequest,
              dev.exprun.v1.Execution>(
                service, METHODID_GET_EXECUTION)))
        .addMethod(
          getUpdateExecutionMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.UpdateExecutionRequest,
              dev.exprun.v1.Execution>(
                service, METHODID_UPDATE_EXECUTION)))
        .addMethod(
          getAddExecutionEventsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.AddExecutionEventsRequest,
              dev.exprun.v1.AddExecutionEventsResponse>(
                service, METHODID_ADD_EXECUTION_EVENTS)))
        .addMethod(
          getQueryExecutionInputsAndOutputsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.QueryExecutionInputsAndOutputsRequest,
              dev.exprun.v1.ExecutionInputsAndOutputs>(
                service, METHODID_QUERY_EXECUTION_INPUTS_AND_OUTPUTS)))
        .addMethod(
          getLogModelMethod(),
          io.grpc.stub.ServerCalls.asyncClientStreamingCall(
            new MethodHandlers<
              dev.exprun.v1.LogModelRequest,
              dev.exprun.v1.ExperimentModel>(
                service, METHODID_LOG_MODEL)))
        .addMethod(
          getDownloadModelMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.exprun.v1.DownloadModelRequest,
              dev.exprun.v1.ModelChunk>(
                service, METHODID_DOWNLOAD_MODEL)))
        .addMethod(
          getGetExperimentModelMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.GetExperimentModelRequest,
              dev.exprun.v1.ExperimentModel>(
                service, METHODID_GET_EXPERIMENT_MODEL)))
        .addMethod(
          getListExperimentModelsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.ListExperimentModelsRequest,
              dev.exprun.v1.ListExperimentModelsResponse>(
                service, METHODID_LIST_EXPERIMENT_MODELS)))
        .addMethod(
          getLogPipelineJobMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.LogPipelineJobRequest,
              dev.exprun.v1.PipelineJobLink>(
                service, METHODID_LOG_PIPELINE_JOB)))
        .addMethod(
          getListPipelineJobsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.ListPipelineJobsRequest,
              dev.exprun.v1.ListPipelineJobsResponse>(
                service, METHODID_LIST_PIPELINE_JOBS)))
        .addMethod(
          getLogCustomJobMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.LogCustomJobRequest,
              dev.exprun.v1.CustomJobLink>(
                service, METHODID_LOG_CUSTOM_JOB)))
        .addMethod(
          getListCustomJobsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.exprun.v1.ListCustomJobsRequest,
              dev.exprun.v1.ListCustomJobsResponse>(
                service, METHODID_LIST_CUSTOM_JOBS)))
        .build();
  }

  private static abstract class ExperimentRunServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    ExperimentRunServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.exprun.v1.ExperimentRunServiceProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("ExperimentRunService");
    }
  }

  private static final class ExperimentRunServiceFileDescriptorSupplier
      extends ExperimentRunServiceBaseDescriptorSupplier {
    ExperimentRunServiceFileDescriptorSupplier() {}
  }

  private static final class ExperimentRunServiceMethodDescriptorSupplier
      extends ExperimentRunServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    ExperimentRunServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (ExperimentRunServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new ExperimentRunServiceFileDescriptorSupplier())
              .addMethod(getCreateExperimentMethod())
              .addMethod(getGetExperimentMethod())
              .addMethod(getListExperimentsMethod())
              .addMethod(getDeleteExperimentMethod())
              .addMethod(getCreateRunMethod())
              .addMethod(getGetRunMethod())
              .addMethod(getListRunsMethod())
              .addMethod(getDeleteRunMethod())
              .addMethod(getUpdateRunStateMethod())
              .addMethod(getEndRunMethod())
              .addMethod(getLogParamsMethod())
              .addMethod(getGetParamsMethod())
              .addMethod(getLogMetricsMethod())
              .addMethod(getGetMetricsMethod())
              .addMethod(getLogClassificationMetricsMethod())
              .addMethod(getListClassificationMetricsMethod())
              .addMethod(getWriteTimeSeriesMethod())
              .addMethod(getStreamTimeSeriesMethod())
              .addMethod(getHeartbeatMethod())
              .addMethod(getReadTimeSeriesMethod())
              .addMethod(getAssignBackingTensorboardMethod())
              .addMethod(getAssociateExecutionMethod())
              .addMethod(getListExecutionsMethod())
              .addMethod(getListArtifactsMethod())
              .addMethod(getCreateExecutionMethod())
              .addMethod(getGetExecutionMethod())
              .addMethod(getUpdateExecutionMethod())
              .addMethod(getAddExecutionEventsMethod())
              .addMethod(getQueryExecutionInputsAndOutputsMethod())
              .addMethod(getLogModelMethod())
              .addMethod(getDownloadModelMethod())
              .addMethod(getGetExperimentModelMethod())
              .addMethod(getListExperimentModelsMethod())
              .addMethod(getLogPipelineJobMethod())
              .addMethod(getListPipelineJobsMethod())
              .addMethod(getLogCustomJobMethod())
              .addMethod(getListCustomJobsMethod())
              .build();
        }
      }
    }
    return result;
  }
}
