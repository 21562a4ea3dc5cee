package dev.exprun.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.exprun.v1.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void javaTypesMapToTheThreeWireKinds() {
    assertEquals(Value.KindCase.DOUBLE_VALUE, Values.toProto("k", 0.01).getKindCase());
    assertEquals(Value.KindCase.DOUBLE_VALUE, Values.toProto("k", 1.5f).getKindCase());
    assertEquals(4L, Values.toProto("k", 4).getIntValue());
    assertEquals(4L, Values.toProto("k", 4L).getIntValue());
    assertEquals(Value.KindCase.INT_VALUE, Values.toProto("k", (short) 4).getKindCase());
    assertEquals("adam", Values.toProto("k", "adam").getStringValue());
  }

  @Test
  void otherTypesAreRefusedNamingTheKey() {
    ExprunException.InvalidArgument error =
        assertThrows(ExprunException.InvalidArgument.class, () -> Values.toProto("flag", new StringBuilder()));
    assertEquals(List.of("flag"), error.violatedFields());
    assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, error.code());
    assertThrows(ExprunException.InvalidArgument.class, () -> Values.toProto("k", null));
    assertThrows(ExprunException.InvalidArgument.class, () -> Values.toProto("k", new Object()));
    assertEquals(true, Values.toProto("flag", true).getBoolValue());
    ExprunException.InvalidArgument named =
        assertThrows(ExprunException.InvalidArgument.class, () -> Values.toProto(Map.of("bad", List.of()), "params"));
    assertEquals(List.of("params['bad']"), named.violatedFields());
  }

  @Test
  void valuesReadBackAsDoubleLongOrString() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("lr", 0.01);
    params.put("layers", 4);
    params.put("optimizer", "adam");
    Map<String, Object> back = Values.fromProto(Values.toProto(params, "params"));
    assertEquals(Map.of("lr", 0.01, "layers", 4L, "optimizer", "adam"), back);
    assertEquals(Long.class, back.get("layers").getClass());
  }
}
