package dev.gclab.reports.cli;

import dev.gclab.heap.AccessChecks;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.MarkBits;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.io.File;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * picocli converters for gclab's option values. A bad value is a usage error (exit 2) whose message
 * (after picocli's "Invalid value for option '--x': ") names the value as given and what is valid.
 * Names and keywords are case-sensitive; surrounding whitespace is ignored.
 */
final class Converters {
    private Converters() {}

    /** {@code 256m}, {@code 1g}, {@code 1048576}: a heap size within the heap's limits (1 MiB .. 1 TiB); units k, m, g, t in either case. */
    static final class HeapSize implements ITypeConverter<Long> {
        private static final Pattern SIZE = Pattern.compile("([0-9]+)([kmgtKMGT]?)[bB]?");
        static final String VALID = "a heap is 1 MiB to 1 TiB (1m .. 1t), e.g. 256m";

        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.trim());
            if (!m.matches()) throw new TypeConversionException(shown(value) + " is not a size; " + VALID);
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            BigInteger bytes = new BigInteger(m.group(1)).shiftLeft(shift);
            if (bytes.compareTo(BigInteger.valueOf(HeapConfig.MAX_BYTES)) > 0) {
                throw new TypeConversionException(shown(value) + " is over the 1 TiB limit; " + VALID);
            }
            if (bytes.compareTo(BigInteger.valueOf(HeapConfig.MIN_BYTES)) < 0) {
                throw new TypeConversionException(shown(value) + " is under the 1 MiB minimum (" + String.format(Locale.ROOT, "%,d", bytes)
                    + " bytes); " + VALID);
            }
            return HeapConfig.of(bytes.longValueExact()).maxBytes();
        }
    }

    /** A finite number above a bound: {@code --size} (> 0) and {@code --growth} (> 1). */
    private static double finiteAbove(String value, double bound) {
        String valid = "expected a finite number > " + (long) bound;
        double d;
        try {
            d = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException(shown(value) + " is not a number; " + valid);
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) throw new TypeConversionException(shown(value) + " is not a finite number; " + valid);
        if (!(d > bound)) throw new TypeConversionException(shown(value) + " is not > " + (long) bound + "; " + valid);
        return d;
    }

    static final class Size implements ITypeConverter<Double> {
        @Override public Double convert(String value) { return finiteAbove(value, 0); }
    }

    static final class Growth implements ITypeConverter<Double> {
        @Override public Double convert(String value) { return finiteAbove(value, 1); }
    }

    /** Any 64-bit integer. */
    static final class Seed implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String t = value.trim();
            String valid = "a seed is an integer in [" + Long.MIN_VALUE + ", " + Long.MAX_VALUE + "]";
            if (!t.matches("[+-]?[0-9]+")) throw new TypeConversionException(shown(value) + " is not an integer; " + valid);
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new TypeConversionException(shown(value) + " is out of range; " + valid);
            }
        }
    }

    /** A file to write: not empty, not naming a directory (the file system is checked before the run, see ExperimentOptions). */
    static final class OutputFile implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            if (value.isBlank()) throw new TypeConversionException(shown(value) + ": the file name is empty");
            if (value.endsWith("/") || value.endsWith(File.separator)) {
                throw new TypeConversionException(shown(value) + " names a directory; give a file name, e.g. " + value + "result.json");
            }
            return Path.of(value);
        }
    }

    static final class MarkBitsConverter implements ITypeConverter<MarkBits> {
        @Override public MarkBits convert(String value) { return lowerCaseEnum(MarkBits.class, value); }
    }

    static final class ChecksConverter implements ITypeConverter<AccessChecks> {
        @Override public AccessChecks convert(String value) { return lowerCaseEnum(AccessChecks.class, value); }
    }

    /** The constant whose lower-case name is {@code value} exactly (case-sensitive, like every name gclab takes). */
    private static <E extends Enum<E>> E lowerCaseEnum(Class<E> type, String value) {
        String v = value.trim();
        boolean otherCase = false;
        for (E e : type.getEnumConstants()) {
            String name = e.name().toLowerCase(Locale.ROOT);
            if (name.equals(v)) return e;
            otherCase |= name.equalsIgnoreCase(v);
        }
        throw new TypeConversionException(shown(value) + " is not one of " + names(type) + (otherCase ? " (values are case-sensitive)" : ""));
    }

    static <E extends Enum<E>> String names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }

    /** A value as given, quoted; the empty value shows as {@code '' (empty)}. */
    static String shown(String value) { return value.isEmpty() ? "'' (empty)" : "'" + value + "'"; }
}
