package dev.gclab.reports.text;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnitsTest {
    @Test
    void durations() {
        assertEquals("850 ns", Units.nanos(850));
        assertEquals("12.3 " + Units.MICROS, Units.nanos(12_345));
        assertEquals("4.56 ms", Units.nanos(4_561_000));
        assertEquals("123 ms", Units.nanos(123_400_000));
        assertEquals("1.234 s", Units.nanos(1_234_000_000));
    }

    @Test
    void bytes() {
        assertEquals("512 B", Units.bytes(512));
        assertEquals("1.50 KiB", Units.bytes(1536));
        assertEquals("256 MiB", Units.bytes(256L << 20));
        assertEquals("40.5 MiB", Units.bytes((81L << 20) / 2));
    }

    @Test
    void tableAlignsNamesAndValues() {
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put("allocations", 1_234_567L);
        rows.put("bytes", 5L);
        assertEquals("  allocations  1,234,567\n  bytes                5\n", RunSummary.table(rows).replace("\r", ""));
    }
}
