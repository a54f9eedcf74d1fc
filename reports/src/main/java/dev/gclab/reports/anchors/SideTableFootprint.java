package dev.gclab.reports.anchors;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.MarkBits;
import dev.gclab.heap.meta.SideMetadataSpec;
import dev.gclab.heap.meta.SideTable;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.span.SizeClasses;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Table (b) of section 4: bytes of metadata kept beside the heap, per collector configuration.
 *
 * <p>Design. Measured, not declared: for every registered collector (and the variants that move
 * metadata between side and header: {@code marksweep --mark-bits header}, {@code rc -o counts=header})
 * a {@value #HEAP_MIB} MiB heap gets the collector, then is filled with objects of one size straight
 * through {@link Heap#allocateFixed} (no collection runs) until allocation fails, so every page is in
 * a span. Then the heap's own accessors are summed: span bitmaps ({@link Heap#spanBitmapBytes}), the
 * page table ({@code PageHeap.tableBytes} at 8-byte pointers) and each registered {@link SideTable}.
 * The declared figures beside them come from {@link SideMetadataSpec#bytesPerHeapMiB()} and, for
 * bitmaps and the page table, from {@link SizeClasses}, so the arithmetic can be checked.
 */
public final class SideTableFootprint {
    static final int HEAP_MIB = 64;
    /** Object sizes filled with: a 16-byte node ({@code "r"}) and a 64-byte one ({@code "rrrrrrr"}). */
    static final List<Integer> OBJECT_BYTES = List.of(16, 64);
    /** Bytes counted per page-table entry: a native pointer. */
    static final int POINTER_BYTES = 8;
    private static final double MIB = 1 << 20;

    /** A heap configuration: collector, how the table names the variant, mark bits, collector options. */
    public record Config(String collector, String variant, MarkBits markBits, Map<String, String> options) {}

    /** One measured heap: metadata bytes by kind; side tables by spec, in registration order. */
    public record Measured(Config config, int objectBytes, long objects, long committedBytes, long bitmapBytes,
                           long pageTableBytes, Map<SideMetadataSpec, Long> sideTables) {
        public long sideTableBytes() { return sideTables.values().stream().mapToLong(Long::longValue).sum(); }
        public long totalBytes() { return bitmapBytes + pageTableBytes + sideTableBytes(); }
        public double perHeapMiB() { return totalBytes() / (committedBytes / MIB); }
    }

    /** One kind of metadata with its declared (computed) and measured bytes per MiB of heap. */
    public record Declared(String name, String entry, double declaredPerMiB, double measuredPerMiB) {}

    /** Both tables. */
    public record Footprint(List<Measured> rows, List<Declared> declared) {}

    private SideTableFootprint() {}

    /**
     * Every registered collector in each of its variants ({@code CollectorProvider.variants()}, e.g. rc's
     * counts in the side table or in headers), plus header mark bits for collectors that mark.
     */
    public static List<Config> configs() {
        List<Config> out = new ArrayList<>();
        for (CollectorProvider p : CollectorRegistry.all()) {
            for (Map<String, String> v : p.variants()) out.add(new Config(p.name(), label(v), MarkBits.SIDE, v));
            if (!p.constraints().needsRefCounts()) out.add(new Config(p.name(), "--mark-bits header", MarkBits.HEADER, Map.of()));
        }
        return out;
    }

    private static String label(Map<String, String> options) {
        if (options.isEmpty()) return "default";
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(options).forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append("-o ").append(k).append('=').append(v));
        return sb.toString();
    }

    /** Fills a fresh heap under {@code config} with {@code objectBytes}-byte objects and sums its metadata. */
    public static Measured measure(Config config, int objectBytes) {
        if (SizeClasses.size(SizeClasses.classOf(objectBytes)) != objectBytes || objectBytes <= ObjectModel.HEADER_BYTES) {
            throw new IllegalArgumentException("object size " + objectBytes + " is not a size class above the header");
        }
        CollectorOptions d = CollectorOptions.defaults();
        HeapConfig hc = HeapConfig.of((long) HEAP_MIB << 20).withMarkBits(config.markBits());
        try (Heap heap = new Heap(hc);
             Collector c = CollectorRegistry.byName(config.collector()).create(heap, new CollectorOptions(d.growthFactor(), d.minTriggerBytes(), false, config.options()))) {
            int layout = heap.layouts().fixed("anchor.fill" + objectBytes, "r".repeat((objectBytes - ObjectModel.HEADER_BYTES) / 8));
            int spanClass = heap.layouts().fixedSpanClass(layout);
            long objects = 0;
            while (heap.allocateFixed(layout, spanClass) != 0) objects++;
            Map<SideMetadataSpec, Long> tables = new LinkedHashMap<>();
            for (dev.gclab.heap.meta.SideMetadata t : heap.sideTables()) tables.merge(t.spec(), t.footprintBytes(), Long::sum);
            return new Measured(config, objectBytes, objects, heap.committedBytes(), heap.spanBitmapBytes(),
                heap.pages().tableBytes(POINTER_BYTES), tables);
        }
    }

    /** Measures every configuration at every object size, and lines up declared and measured figures. */
    public static Footprint measureAll() {
        List<Measured> rows = new ArrayList<>();
        for (Config cfg : configs()) for (int b : OBJECT_BYTES) rows.add(measure(cfg, b));
        return new Footprint(List.copyOf(rows), declared(rows));
    }

    /** The declared figure of every kind of metadata beside the measured one (from the first heap that has it). */
    static List<Declared> declared(List<Measured> rows) {
        List<Declared> out = new ArrayList<>();
        for (int b : OBJECT_BYTES) {
            int sc = SizeClasses.classOf(b);
            int slots = SizeClasses.objectsPerSpan(sc);
            long spanBytes = (long) SizeClasses.pages(sc) << SizeClasses.PAGE_SHIFT;
            double declared = 3.0 * ((slots + 63) / 64) * Long.BYTES * (MIB / spanBytes);
            Measured m = first(rows, r -> r.objectBytes() == b);
            out.add(new Declared("span bitmaps, " + b + "-B objects",
                String.format("alloc + mark + pin: 3 × %d bits in %d words per %d-page span", slots, (slots + 63) / 64, SizeClasses.pages(sc)),
                declared, m == null ? Double.NaN : m.bitmapBytes() / (m.committedBytes() / MIB)));
        }
        double pagesPerMiB = MIB / SizeClasses.PAGE_BYTES;
        Measured any = rows.isEmpty() ? null : rows.getFirst();
        out.add(new Declared("page table", POINTER_BYTES + "-B pointer + 1 free bit per 8 KiB page",
            pagesPerMiB * POINTER_BYTES + pagesPerMiB / 8, any == null ? Double.NaN : any.pageTableBytes() / (any.committedBytes() / MIB)));
        List<SideMetadataSpec> specs = rows.stream().flatMap(r -> r.sideTables().keySet().stream()).distinct().toList();
        for (SideMetadataSpec s : specs) {
            Measured m = first(rows, r -> r.sideTables().containsKey(s));
            double measured = m.sideTables().get(s) / (m.committedBytes() / MIB);
            if (s.sparse()) {
                // The fill registers nothing, so a sparse table has no block: declared 0 on such a heap.
                out.add(new Declared("side table `" + s.name() + "`", String.format("%d bits per %d B, sparse: a %d KiB block per %d KiB of heap holding a registered object (at most %.0f B per MiB)",
                    s.bitsPerEntry(), s.bytesPerRegion(), dev.gclab.heap.meta.SparseSideTable.BLOCK_ENTRIES * 4 / 1024,
                    (long) dev.gclab.heap.meta.SparseSideTable.BLOCK_ENTRIES * s.bytesPerRegion() / 1024, s.bytesPerHeapMiB()), 0, measured));
                continue;
            }
            out.add(new Declared("side table `" + s.name() + "`", String.format("%d bits per %d B", s.bitsPerEntry(), s.bytesPerRegion()),
                s.bytesPerHeapMiB(), measured));
        }
        return List.copyOf(out);
    }

    private static Measured first(List<Measured> rows, java.util.function.Predicate<Measured> p) {
        for (Measured m : rows) if (p.test(m)) return m;
        return null;
    }
}
