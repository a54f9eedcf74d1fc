package dev.gclab.reports.anchors;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Section 4 of {@code docs/performance.md}: object layouts ({@link LayoutTable}) and the metadata
 * kept beside the heap ({@link SideTableFootprint}), rendered as Markdown. Only formatting lives
 * here; every figure comes from the two measurements.
 */
public record LayoutSection(LayoutTable.Table layouts, SideTableFootprint.Footprint footprint) {
    static final String COMPACT_FLAG = "-XX:+UseCompactObjectHeaders";

    /**
     * Measures both tables: JOL in child JVMs of {@code javaHome} (default flags and compact headers),
     * {@code cpython_sizes.py} from {@code anchorsDir} with {@code python}, and the footprint in-process.
     * A missing runtime is a skip inside the table; {@code log} gets one line per skip.
     */
    public static LayoutSection measure(Path javaHome, String python, Path anchorsDir, PrintWriter log) {
        List<LayoutTable.Spec> specs = LayoutTable.specs(LayoutTable.gcbenchNodeFields());
        String cp = System.getProperty("java.class.path");
        List<String> java = LayoutTable.javaTokens(specs);
        JolProbe.Outcome hs = JolProbe.run(javaHome, cp, List.of(), java);
        JolProbe.Outcome compact = JolProbe.run(javaHome, cp, List.of(COMPACT_FLAG), java).requiring("compact_headers", "true");
        CPythonSizes.Outcome py = CPythonSizes.run(python, anchorsDir.resolve("cpython_sizes.py"), LayoutTable.pythonTokens(specs));
        if (!hs.ran()) log.println("anchors: layouts: HotSpot skipped: " + hs.skipped());
        if (!compact.ran()) log.println("anchors: layouts: HotSpot " + COMPACT_FLAG + " skipped: " + compact.skipped());
        if (!py.ran()) log.println("anchors: layouts: CPython skipped: " + py.skipped());
        return new LayoutSection(LayoutTable.build(specs, hs, compact, py), SideTableFootprint.measureAll());
    }

    /** The section's Markdown, starting with its heading. */
    public String markdown() {
        StringBuilder b = new StringBuilder("## 4. Object layouts and side-table footprint\n\n");
        layoutTable(b);
        footprintTables(b);
        return b.toString();
    }

    private void layoutTable(StringBuilder b) {
        LayoutTable.Table t = layouts;
        b.append("Bytes per object for equivalent objects. gclab: an 8-byte header plus 8-byte words (data arrays rounded up to 8 bytes),"
            + " as `LayoutRegistry.sizeOf` computes it, and the slot that object really takes, i.e. its size class (`SizeClasses`; objects above 32 KiB take whole 8 KiB pages)."
            + " HotSpot: JOL 0.17's `instanceSize` in a child JVM of this JDK" + (t.hotspotVm() == null ? "" : " (" + t.hotspotVm() + ")")
            + ", with default flags and with `" + COMPACT_FLAG + "` (8-byte headers, JDK 24+)."
            + " " + (t.cpythonVersion() == null ? "CPython" : t.cpythonVersion())
            + ": `x.__sizeof__()`, the GC header (`sys.getsizeof(x) - x.__sizeof__()`, only on objects the cyclic collector tracks) and their sum."
            + " A 2-reference node gets three CPython rows because no single form is the honest equivalent: the `__slots__` instance is the idiomatic object,"
            + " the list is what `anchors/cpython_graphs.py` (section 1) uses as a node, and the tuple is the smallest container."
            + " The `__sizeof__` of a list, `bytearray` or `array` includes its item buffer, but that buffer is a separate malloc block (its share is in parentheses),"
            + " so the object is really two blocks. CPython's small-object allocator also rounds each block up to 16 bytes, which no column shows;"
            + " and the GCBench node's ints are machine words in gclab and HotSpot but references to int objects in CPython.\n\n");
        if (t.hotspotSkipped() != null) b.append("HotSpot skipped: ").append(t.hotspotSkipped()).append("\n\n");
        if (t.compactSkipped() != null) b.append("HotSpot with `").append(COMPACT_FLAG).append("` skipped: ").append(t.compactSkipped()).append("\n\n");
        if (t.cpythonSkipped() != null) b.append("CPython skipped: ").append(t.cpythonSkipped()).append("\n\n");
        b.append("| object | gclab layout | gclab header + payload | gclab slot | HotSpot class | HotSpot | HotSpot compact headers"
            + " | CPython object | `__sizeof__` | GC header | CPython total |\n");
        b.append("|---|---|---:|---:|---|---:|---:|---|---:|---:|---:|\n");
        for (LayoutTable.Row r : t.rows()) {
            LayoutTable.GclabSize g = r.gclab();
            CPythonSizes.Size p = r.cpython();
            b.append("| ").append(r.object()).append(" | ").append(g.layout()).append(" | ")
                .append(g.header()).append(" + ").append(g.size() - g.header()).append(" = ").append(g.size()).append(" | ")
                .append(g.used()).append(" | ").append(r.javaLabel()).append(" | ")
                .append(bytes(r.hotspot())).append(" | ").append(bytes(r.hotspotCompact())).append(" | ")
                .append(r.cpythonForm()).append(" | ");
            if (p == null) {
                b.append("– | – | – |\n");
            } else {
                b.append(p.sizeof()).append(p.separateBlock() > 0 ? " (" + p.separateBlock() + " separate)" : "").append(" | ")
                    .append(p.gcHeader()).append(" | ").append(p.getsizeof()).append(" |\n");
            }
        }
        b.append('\n');
    }

    private void footprintTables(StringBuilder b) {
        SideTableFootprint.Footprint f = footprint;
        b.append(String.format(Locale.ROOT, "Metadata kept beside the heap, measured: a %d MiB heap gets the collector, then is filled with objects of one size"
            + " (no collection runs) until allocation fails, so every page is in a span. Counted: the alloc, mark and pin bitmaps of every span"
            + " (one bit per slot each, whole 64-bit words per span: `Heap.spanBitmapBytes`), the page table (the page→span map at one %d-byte pointer per 8 KiB page,"
            + " as a C runtime holds it, plus the free-page bitmap: `PageHeap.tableBytes`) and every side table registered on the heap (`SideTable.footprintBytes`)."
            + " Side tables are allocated for a whole chunk (64 MiB, or the heap's size if smaller) as soon as it is committed, whatever the occupancy; under `--mark-bits header` the span mark bitmap"
            + " is still allocated (the sweeper copies header marks into it)."
            + " Not counted: Java array and object headers, span descriptors (one Java object per span), roots and handles, and collector structures that are not side tables"
            + " (rc's generation lists, one 8-byte address per tracked container; its zero-count table; its dirty-page bitmap).\n\n",
            SideTableFootprint.HEAP_MIB, SideTableFootprint.POINTER_BYTES));
        b.append("| collector | configuration | object size | objects | span bitmaps KiB | page table KiB | side tables KiB | total KiB | B per heap MiB | % of heap |\n");
        b.append("|---|---|---:|---:|---:|---:|---|---:|---:|---:|\n");
        for (SideTableFootprint.Measured m : f.rows()) {
            String tables = m.sideTables().isEmpty() ? "none" : m.sideTables().entrySet().stream()
                .map(e -> "`" + e.getKey().name() + "` " + kib(e.getValue())).collect(Collectors.joining(" + "));
            b.append("| ").append(m.config().collector()).append(" | `").append(m.config().variant()).append("` | ")
                .append(m.objectBytes()).append(" B | ").append(String.format(Locale.ROOT, "%,d", m.objects())).append(" | ")
                .append(kib(m.bitmapBytes())).append(" | ").append(kib(m.pageTableBytes())).append(" | ").append(tables).append(" | ")
                .append(kib(m.totalBytes())).append(" | ").append(String.format(Locale.ROOT, "%,.0f", m.perHeapMiB())).append(" | ")
                .append(String.format(Locale.ROOT, "%.1f %%", 100 * m.perHeapMiB() / (1 << 20))).append(" |\n");
        }
        b.append("\nThe arithmetic: what each kind of metadata should cost (side tables: `SideMetadataSpec.bytesPerHeapMiB()`) beside what was measured.\n\n");
        b.append("| metadata | entry | declared B per heap MiB | measured B per heap MiB |\n|---|---|---:|---:|\n");
        for (SideTableFootprint.Declared d : f.declared()) {
            b.append("| ").append(d.name()).append(" | ").append(d.entry()).append(" | ")
                .append(String.format(Locale.ROOT, "%,.0f", d.declaredPerMiB())).append(" | ")
                .append(Double.isNaN(d.measuredPerMiB()) ? "–" : String.format(Locale.ROOT, "%,.0f", d.measuredPerMiB())).append(" |\n");
        }
        b.append('\n');
    }

    private static String bytes(Long v) { return v == null ? "–" : Long.toString(v); }

    private static String kib(long bytes) { return String.format(Locale.ROOT, "%,.0f", bytes / 1024.0); }

}
