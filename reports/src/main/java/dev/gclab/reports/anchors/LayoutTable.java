package dev.gclab.reports.anchors;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutKind;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.span.SizeClasses;
import dev.gclab.workloads.WorkloadContext;
import dev.gclab.workloads.WorkloadRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Table (a) of section 4: the size of equivalent objects in gclab, HotSpot and CPython.
 *
 * <p>Design. {@link #specs} names each object once per runtime (gclab layout and length, a
 * {@link JolProbe} token, {@link CPythonSizes} tokens); nothing here knows a size. gclab's figures
 * come from its {@link LayoutRegistry} (header + slots) and {@link SizeClasses} (the slot it really
 * takes; large objects take whole pages); GCBench's node layout is read from the real workload's
 * registration. HotSpot's come from JOL in child JVMs, CPython's from its interpreter; a runtime
 * that is missing leaves "–" and a reason. A row per CPython form: a 2-reference node is a
 * {@code __slots__} instance, a list or a tuple, and each is shown.
 */
public final class LayoutTable {
    /** gclab's workload whose node layout the GCBench row uses, and the size it runs at to register it. */
    static final String GCBENCH = "gcbench";
    private static final double GCBENCH_SIZE = 1.0 / 1024;

    /** One CPython form of an object: the probe token and how the table names it. */
    public record PyForm(String token, String label) {}

    /** One equivalent object; {@code gclabFields} is a fixed layout's field string, or null for an array layout. */
    public record Spec(String object, String gclabFields, int gclabArrayLayout, int length, String javaToken, String javaLabel,
                       List<PyForm> cpython) {}

    /** gclab's size of one object: header + payload = size, and the bytes its slot (or its pages) take. */
    public record GclabSize(String layout, long header, long size, long used) {}

    /** One table row (one CPython form of one object); null figures were not measured. */
    public record Row(String object, GclabSize gclab, String javaLabel, Long hotspot, Long hotspotCompact,
                      String cpythonForm, CPythonSizes.Size cpython) {}

    /** The whole table with the runtimes' versions and the reasons for any missing column. */
    public record Table(List<Row> rows, String hotspotVm, String hotspotSkipped, String compactSkipped,
                        String cpythonVersion, String cpythonSkipped) {}

    private LayoutTable() {}

    /** The objects compared, with GCBench's node given by its registered field string. */
    public static List<Spec> specs(String gcbenchNodeFields) {
        return List.of(
            new Spec("node, 2 references", "rr", 0, 0, "node2", "`{Object a, b}`",
                List.of(new PyForm("slots:2", "`__slots__ = ('a','b')`"), new PyForm("list:2", "list of 2"), new PyForm("tuple:2", "tuple of 2"))),
            new Spec("GCBench node", gcbenchNodeFields, 0, 0, "gcnode", "`{Node left, right; int i, j}`",
                List.of(new PyForm("slots:4", "`__slots__` of 4"))),
            new Spec("reference array of 10", null, LayoutRegistry.REF_ARRAY, 10, "Object[]:10", "`Object[10]`",
                List.of(new PyForm("list:10", "list of 10"), new PyForm("tuple:10", "tuple of 10"))),
            new Spec("double array of 1000", null, LayoutRegistry.LONG_ARRAY, 1000, "double[]:1000", "`double[1000]`",
                List.of(new PyForm("array_d:1000", "`array('d')` of 1000"))),
            new Spec("byte array of 100", null, LayoutRegistry.BYTE_ARRAY, 100, "byte[]:100", "`byte[100]`",
                List.of(new PyForm("bytes:100", "`bytes` of 100"), new PyForm("bytearray:100", "`bytearray` of 100"))));
    }

    /** gclab's size of an object of layout {@code id} and {@code length}, from the registry and the size classes. */
    static GclabSize gclabSize(LayoutRegistry reg, int id, int length) {
        long size = reg.sizeOf(id, length);
        int sc = SizeClasses.classOf(size);
        long used = sc != 0 ? SizeClasses.size(sc)
            : ((size + SizeClasses.PAGE_BYTES - 1) >>> SizeClasses.PAGE_SHIFT) << SizeClasses.PAGE_SHIFT;
        String layout = reg.kind(id) == LayoutKind.FIXED ? "`\"" + reg.describe(id) + "\"`"
            : "`" + reg.name(id).replace("[]", "[" + length + "]") + "`";
        return new GclabSize(layout, ObjectModel.HEADER_BYTES, size, used);
    }

    static GclabSize gclabSize(Spec s) {
        LayoutRegistry reg = new LayoutRegistry();
        int id = s.gclabFields() != null ? reg.fixed("anchor.node", s.gclabFields()) : s.gclabArrayLayout();
        return gclabSize(reg, id, s.length());
    }

    /** The field string of the one fixed layout the gcbench workload registers, from a tiny run of it. */
    static String gcbenchNodeFields() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20));
             Collector c = CollectorRegistry.byName("marksweep").create(heap, CollectorOptions.defaults())) {
            LayoutRegistry reg = heap.layouts();
            int before = reg.count();
            WorkloadRegistry.byName(GCBENCH).run(new WorkloadContext(new Mutator(heap, c), c, 1, GCBENCH_SIZE, Map.of(), line -> { }));
            List<String> fixed = new ArrayList<>();
            for (int id = before; id < reg.count(); id++) if (reg.kind(id) == LayoutKind.FIXED) fixed.add(reg.describe(id));
            if (fixed.size() != 1) {
                throw new IllegalStateException(GCBENCH + " registered " + fixed.size() + " fixed layouts " + fixed + "; the layout table expects exactly one (its node)");
            }
            return fixed.getFirst();
        }
    }

    /** Assembles the table from the specs and the probes' outcomes (which may be skips). */
    public static Table build(List<Spec> specs, JolProbe.Outcome hotspot, JolProbe.Outcome compact, CPythonSizes.Outcome py) {
        List<Row> rows = new ArrayList<>();
        for (Spec s : specs) {
            GclabSize g = gclabSize(s);
            Long hs = hotspot.ran() ? hotspot.bytes(s.javaToken()) : null;
            Long hc = compact.ran() ? compact.bytes(s.javaToken()) : null;
            for (PyForm f : s.cpython()) rows.add(new Row(s.object(), g, s.javaLabel(), hs, hc, f.label(), py.ran() ? py.size(f.token()) : null));
        }
        String vm = hotspot.ran() ? hotspot.output().info().path("java_version").asText("?") : null;
        return new Table(List.copyOf(rows), vm, hotspot.skipped(), compact.skipped(), py.ran() ? py.version() : null, py.skipped());
    }

    /** Java tokens of {@code specs}, in order: the probe's arguments. */
    public static List<String> javaTokens(List<Spec> specs) { return specs.stream().map(Spec::javaToken).toList(); }

    /** CPython tokens of {@code specs}, in order: the script's arguments. */
    public static List<String> pythonTokens(List<Spec> specs) {
        return specs.stream().flatMap(s -> s.cpython().stream()).map(PyForm::token).toList();
    }
}
