package dev.gclab.reports.anchors;

import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.heap.MarkBits;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SideTableFootprintTest {
    private static final long MIB = 1 << 20;

    private static SideTableFootprint.Config config(String collector, String variant) {
        for (SideTableFootprint.Config c : SideTableFootprint.configs()) {
            if (c.collector().equals(collector) && c.variant().equals(variant)) return c;
        }
        throw new AssertionError("no config " + collector + " " + variant + " in " + SideTableFootprint.configs());
    }

    @Test
    void everyRegisteredCollectorHasAConfig() {
        var names = SideTableFootprint.configs().stream().map(SideTableFootprint.Config::collector).distinct().sorted().toList();
        assertEquals(CollectorRegistry.all().stream().map(p -> p.name()).sorted().toList(), names);
        assertEquals(MarkBits.HEADER, config("marksweep", "--mark-bits header").markBits());
        assertEquals(Map.of("counts", "header"), config("rc", "-o counts=header").options());
    }

    @Test
    void fullHeapOfSixteenByteObjectsUnderMarkSweep() {
        var m = SideTableFootprint.measure(config("marksweep", "default"), 16);
        assertEquals(64 * MIB, m.committedBytes());
        assertEquals(64 * MIB / 16, m.objects(), "every slot of every page used");
        // 8 KiB spans of 512 slots: 3 bitmaps of 8 words each = 192 bytes per page, 8192 pages
        assertEquals(192L * 8192, m.bitmapBytes());
        // the finalization service's table is sparse: nothing is registered, so it holds no block
        assertEquals(List.of("finalization"), m.sideTables().keySet().stream().map(s -> s.name()).toList());
        assertEquals(0, m.sideTableBytes());
        assertEquals(8192L * 8 + 8192 / 8 + 4, m.pageTableBytes());
    }

    @Test
    void rcCountsMoveFromTheSideTableToHeaders() {
        var side = SideTableFootprint.measure(config("rc", "default"), 64);
        var header = SideTableFootprint.measure(config("rc", "-o counts=header"), 64);
        var names = side.sideTables().keySet().stream().map(s -> s.name()).toList();
        assertTrue(names.contains("refcount") && names.contains("gc-generation"), names.toString());
        assertFalse(header.sideTables().keySet().stream().anyMatch(s -> s.name().equals("refcount")));
        // a 32-bit count per 16-byte granule of the 64 MiB chunk
        assertEquals(64 * MIB / 16 * 4, side.sideTableBytes() - header.sideTableBytes());
        // 64-byte objects: 128 slots per page, 2 words per bitmap
        assertEquals(3L * 2 * 8 * 8192, side.bitmapBytes());
    }

    @Test
    void declaredFiguresMatchTheMeasuredOnes() {
        var rows = List.of(SideTableFootprint.measure(config("rc", "default"), 16),
                           SideTableFootprint.measure(config("marksweep", "--mark-bits header"), 64));
        var declared = SideTableFootprint.declared(rows);
        assertTrue(declared.size() >= 5, declared.toString());
        for (var d : declared) assertEquals(d.declaredPerMiB(), d.measuredPerMiB(), 0.1, d.name());
    }

    @Test
    void objectSizeMustBeASizeClass() {
        var e = assertThrows(IllegalArgumentException.class, () -> SideTableFootprint.measure(config("rc", "-o counts=header"), 40));
        assertTrue(e.getMessage().contains("40"), e.getMessage());
    }
}
