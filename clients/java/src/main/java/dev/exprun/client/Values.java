package dev.exprun.client;

import dev.exprun.v1.Value;
import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;

/**
 * Param and summary-metric values: the SDK's {@code Union[float, int, str]} as Java types.
 *
 * <p>{@link Double} and {@link Float} travel as doubles; {@link Long}, {@link Integer}, {@link
 * Short} and {@link Byte} as int64; {@link String} as a string; {@link Boolean} as a bool. Anything
 * else is refused before a call is made, with {@link ExprunException.InvalidArgument} naming the
 * entry ({@code params['k']}). Read back, values are {@code Double}, {@code Long}, {@code String}
 * or {@code Boolean}.
 */
public final class Values {
  private Values() {}

  /** The wire value of {@code value}; {@code field} names it in the error. */
  public static Value toProto(String field, Object value) {
    if (value instanceof Double || value instanceof Float) {
      return Value.newBuilder().setDoubleValue(((Number) value).doubleValue()).build();
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return Value.newBuilder().setIntValue(((Number) value).longValue()).build();
    }
    if (value instanceof BigInteger big && big.bitLength() < 64) {
      return Value.newBuilder().setIntValue(big.longValue()).build();
    }
    if (value instanceof String text) {
      return Value.newBuilder().setStringValue(text).build();
    }
    if (value instanceof Boolean flag) {
      return Value.newBuilder().setBoolValue(flag).build();
    }
    String kind = value == null ? "null" : value.getClass().getSimpleName();
    throw ExprunException.invalid(
        field, "value of " + field + " is " + kind + " but must be a Double, Long, Integer, String or Boolean");
  }

  /** {@code Double}, {@code Long}, {@code String} or {@code Boolean}; null for an unset value. */
  public static Object fromProto(Value value) {
    return switch (value.getKindCase()) {
      case DOUBLE_VALUE -> value.getDoubleValue();
      case INT_VALUE -> value.getIntValue();
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case KIND_NOT_SET -> null;
    };
  }

  /** {@code field} is the request's map ({@code params}, {@code metrics}), for error field paths. */
  static Map<String, Value> toProto(Map<String, ?> values, String field) {
    Map<String, Value> out = new TreeMap<>();
    values.forEach((key, value) -> out.put(key, toProto(field + "['" + key + "']", value)));
    return out;
  }

  /** Sorted by key, so printing or comparing is stable. */
  static Map<String, Object> fromProto(Map<String, Value> values) {
    Map<String, Object> out = new TreeMap<>();
    values.forEach((key, value) -> out.put(key, fromProto(value)));
    return out;
  }
}
