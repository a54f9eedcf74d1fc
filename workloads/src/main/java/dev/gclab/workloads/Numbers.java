package dev.gclab.workloads;

import java.math.BigDecimal;

/**
 * How gclab prints a number it echoes in a message or a range: the shortest form that reads back as
 * the same {@code double}, without an exponent between 0.001 and 10^15 ({@code 0.05}, {@code 16.777214},
 * {@code 1000000}) and with a plain one outside ({@code 4e-6}, {@code 1e300}), so that a huge value
 * never prints as 300 digits and never as a saturated {@code long}.
 */
public final class Numbers {
    private Numbers() {}

    public static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e15) return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        String s = Double.toString(v);          // e.g. 1.0E300, 4.0E-6, 1.5E-7
        int e = s.indexOf('E');
        if (e < 0) return s;
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) mantissa = mantissa.substring(0, mantissa.length() - 2);
        return mantissa + "e" + s.substring(e + 1);
    }
}
