package io.tessera.kernel.oci.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;

/**
 * One runtime-spec {@code process.rlimits} entry. Limits are uint64 in the spec; they are held in a
 * {@code long} read as unsigned, so {@link #UNLIMITED} (-1) is written as 18446744073709551615.
 */
@OciJson
public final class Rlimit {
  /** RLIM_INFINITY. */
  public static final long UNLIMITED = -1L;

  private String type;

  @JsonSerialize(using = Unsigned.Writer.class)
  @JsonDeserialize(using = Unsigned.Reader.class)
  private long hard;

  @JsonSerialize(using = Unsigned.Writer.class)
  @JsonDeserialize(using = Unsigned.Reader.class)
  private long soft;

  public Rlimit() {}

  /**
   * @param type e.g. {@code RLIMIT_NOFILE}
   */
  public Rlimit(String type, long hard, long soft) {
    this.type = type;
    this.hard = hard;
    this.soft = soft;
  }

  public String type() {
    return type;
  }

  public long hard() {
    return hard;
  }

  public long soft() {
    return soft;
  }

  static final class Unsigned {
    private Unsigned() {}

    static final class Writer extends JsonSerializer<Long> {
      @Override
      public void serialize(Long value, JsonGenerator gen, SerializerProvider provider)
          throws IOException {
        gen.writeNumber(Long.toUnsignedString(value));
      }
    }

    static final class Reader extends JsonDeserializer<Long> {
      @Override
      public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        return Long.parseUnsignedLong(p.getText());
      }
    }
  }
}
