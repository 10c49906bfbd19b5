package io.tessera.sandbox.cni;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Kubernetes resource quantity strings ("10M", "1.5Gi", "100m", "1e3").
 *
 * <p>Hand-written: the Java Kubernetes clients (fabric8's kubernetes-model-core, client-java) have
 * a Quantity type, but bring a whole API model for one small grammar: a signed decimal number
 * followed by a binary-SI suffix (Ki..Ei), a decimal-SI suffix (n u m k M G T P E) or a decimal
 * exponent (e3, E-2).
 */
public final class KubeQuantity {
  private static final Pattern QUANTITY =
      Pattern.compile(
          "([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\\d+)?");

  private static final Map<String, BigDecimal> SUFFIX =
      Map.ofEntries(
          Map.entry("Ki", BigDecimal.valueOf(2).pow(10)),
          Map.entry("Mi", BigDecimal.valueOf(2).pow(20)),
          Map.entry("Gi", BigDecimal.valueOf(2).pow(30)),
          Map.entry("Ti", BigDecimal.valueOf(2).pow(40)),
          Map.entry("Pi", BigDecimal.valueOf(2).pow(50)),
          Map.entry("Ei", BigDecimal.valueOf(2).pow(60)),
          Map.entry("n", BigDecimal.ONE.scaleByPowerOfTen(-9)),
          Map.entry("u", BigDecimal.ONE.scaleByPowerOfTen(-6)),
          Map.entry("m", BigDecimal.ONE.scaleByPowerOfTen(-3)),
          Map.entry("k", BigDecimal.ONE.scaleByPowerOfTen(3)),
          Map.entry("M", BigDecimal.ONE.scaleByPowerOfTen(6)),
          Map.entry("G", BigDecimal.ONE.scaleByPowerOfTen(9)),
          Map.entry("T", BigDecimal.ONE.scaleByPowerOfTen(12)),
          Map.entry("P", BigDecimal.ONE.scaleByPowerOfTen(15)),
          Map.entry("E", BigDecimal.ONE.scaleByPowerOfTen(18)));

  private KubeQuantity() {}

  /** The exact value of a quantity string. */
  public static BigDecimal parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("quantity is missing");
    }
    Matcher m = QUANTITY.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("\"" + s + "\" is not a Kubernetes quantity");
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String suffix = m.group(2);
    if (suffix == null) {
      return number;
    }
    BigDecimal factor = SUFFIX.get(suffix);
    if (factor != null) {
      return number.multiply(factor);
    }
    int exponent;
    try {
      exponent = Integer.parseInt(suffix.substring(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + s + "\" has an exponent out of range", e);
    }
    // apimachinery caps quantities far below this; the bound keeps BigDecimal cheap.
    if (Math.abs(exponent) > 64) {
      throw new IllegalArgumentException("\"" + s + "\" has an exponent out of range");
    }
    return number.scaleByPowerOfTen(exponent);
  }

  /** The value as an integer, rounded up, like apimachinery's {@code Quantity.Value()}. */
  public static long valueRoundedUp(String s) {
    BigDecimal v = parse(s).setScale(0, RoundingMode.CEILING);
    try {
      return v.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("\"" + s + "\" is too large", e);
    }
  }
}
