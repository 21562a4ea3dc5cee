package dev.exprun.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.exprun.v1.Value;
import java.util.LinkedHashMap;
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
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> Values.toProto("flag", true));
    assertEquals(
        "Value for flag is Boolean but must be a Double, Long, Integer or String", error.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Values.toProto("k", null));
    assertThrows(IllegalArgumentException.class, () -> Values.toProto("k", new Object()));
  }

  @Test
  void valuesReadBackAsDoubleLongOrString() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("lr", 0.01);
    params.put("layers", 4);
    params.put("optimizer", "adam");
    Map<String, Object> back = Values.fromProto(Values.toProto(params));
    assertEquals(Map.of("lr", 0.01, "layers", 4L, "optimizer", "adam"), back);
    assertEquals(Long.class, back.get("layers").getClass());
  }
}
