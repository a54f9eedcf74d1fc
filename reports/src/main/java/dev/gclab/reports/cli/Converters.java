package dev.gclab.reports.cli;

import dev.gclab.heap.AccessChecks;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.MarkBits;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** picocli converters for gclab's option values; a bad value is a usage error naming what was expected. */
final class Converters {
    private Converters() {}

    /** {@code 256m}, {@code 1g}, {@code 1048576}: a heap size within the heap's limits. */
    static final class HeapSize implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return HeapConfig.of(HeapConfig.parseSize(value)).maxBytes();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class MarkBitsConverter implements ITypeConverter<MarkBits> {
        @Override public MarkBits convert(String value) { return lowerCaseEnum(MarkBits.class, value); }
    }

    static final class ChecksConverter implements ITypeConverter<AccessChecks> {
        @Override public AccessChecks convert(String value) { return lowerCaseEnum(AccessChecks.class, value); }
    }

    private static <E extends Enum<E>> E lowerCaseEnum(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.trim())) return e;
        }
        throw new TypeConversionException("'" + value + "' is not one of " + names(type));
    }

    static <E extends Enum<E>> String names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }
}
