package dev.exprun.client;

import dev.exprun.v1.Value;
import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;

/**
 * Param and summary-metric values: the SDK's {@code Union[float, int, str]} as Java types.
 *
 * <p>{@link Double} and {@link Float} travel as doubles; {@link Long}, {@link Integer}, {@link
 * Short} and {@link Byte} as int64; {@link String} as a string. Anything else (a {@link Boolean}
 * too: the API has no bool) is refused before a call is made. Read back, values are {@code
 * Double}, {@code Long} or {@code String}.
 */
public final class Values {
  private Values() {}

  /** The wire value of {@code value}; {@code key} names it in the error. */
  public static Value toProto(String key, Object value) {
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
    String kind = value == null ? "null" : value.getClass().getSimpleName();
    throw new IllegalArgumentException(
        "Value for " + key + " is " + kind + " but must be a Double, Long, Integer or String");
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

  static Map<String, Value> toProto(Map<String, ?> values) {
    Map<String, Value> out = new TreeMap<>();
    values.forEach((key, value) -> out.put(key, toProto(key, value)));
    return out;
  }

  /** Sorted by key, so printing or comparing is stable. */
  static Map<String, Object> fromProto(Map<String, Value> values) {
    Map<String, Object> out = new TreeMap<>();
    values.forEach((key, value) -> out.put(key, fromProto(value)));
    return out;
  }
}
