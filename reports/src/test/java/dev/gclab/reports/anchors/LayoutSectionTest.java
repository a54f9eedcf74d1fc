package dev.gclab.reports.anchors;

import dev.gclab.heap.MarkBits;
import dev.gclab.heap.meta.SideMetadataSpec;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class LayoutSectionTest {
    static final String JOL = """
        {"kind":"vm","java_version":"25.0.1","compact_headers":"false"}
        {"kind":"size","object":"node2","bytes":24}
        {"kind":"size","object":"gcnode","bytes":32}
        {"kind":"size","object":"Object[]:10","bytes":56}
        {"kind":"size","object":"double[]:1000","bytes":8016}
        {"kind":"size","object":"byte[]:100","bytes":120}
        """;

    static final String PY = """
        {"kind": "python", "version": "3.11.7", "implementation": "CPython"}
        {"kind": "size", "object": "slots:2", "sizeof": 32, "getsizeof": 48, "separate_block": 0}
        {"kind": "size", "object": "list:2", "sizeof": 56, "getsizeof": 72, "separate_block": 16}
        {"kind": "size", "object": "tuple:2", "sizeof": 40, "getsizeof": 56, "separate_block": 0}
        {"kind": "size", "object": "slots:4", "sizeof": 48, "getsizeof": 64, "separate_block": 0}
        {"kind": "size", "object": "list:10", "sizeof": 120, "getsizeof": 136, "separate_block": 80}
        {"kind": "size", "object": "tuple:10", "sizeof": 104, "getsizeof": 120, "separate_block": 0}
        {"kind": "size", "object": "array_d:1000", "sizeof": 8064, "getsizeof": 8080, "separate_block": 8000}
        {"kind": "size", "object": "bytes:100", "sizeof": 133, "getsizeof": 133, "separate_block": 0}
        {"kind": "size", "object": "bytearray:100", "sizeof": 157, "getsizeof": 157, "separate_block": 101}
        """;

    /** A section from fixed probe outputs (compact headers refused) and a hand-made footprint. */
    static LayoutSection section() {
        List<LayoutTable.Spec> specs = LayoutTable.specs("rrdd");
        var hs = new JolProbe.Outcome(SizeJson.parse(JOL, "jol", "vm", LayoutTable.javaTokens(specs), List.of("bytes")), null);
        var compact = new JolProbe.Outcome(null, "Unrecognized VM option 'UseCompactObjectHeaders'");
        var py = CPythonSizes.parse(PY, "py", LayoutTable.pythonTokens(specs));
        assertTrue(py.ran(), py.skipped());
        LayoutTable.Table table = LayoutTable.build(specs, hs, compact, py);

        Map<SideMetadataSpec, Long> tables = new LinkedHashMap<>();
        SideMetadataSpec rc = SideMetadataSpec.of("refcount", 32, 8), fin = SideMetadataSpec.of("finalization-flags", 4, 8);
        tables.put(rc, 32L << 20);
        tables.put(fin, 4L << 20);
        var cfg = new SideTableFootprint.Config("rc", "-o counts=side (default)", MarkBits.SIDE, Map.of());
        var m = new SideTableFootprint.Measured(cfg, 16, 4_194_304, 64L << 20, 1536L << 10, 65L << 10, tables);
        var declared = SideTableFootprint.declared(List.of(m));
        return new LayoutSection(table, new SideTableFootprint.Footprint(List.of(m), declared));
    }

    @Test
    void layoutTableRowsFromFixedInputs() {
        String md = section().markdown();
        assertTrue(md.startsWith("## 4. Object layouts and side-table footprint\n\n"), md);
        assertTrue(md.contains("this JDK (25.0.1)") && md.contains(" CPython 3.11.7: `x.__sizeof__()`"), md);
        assertTrue(md.contains("| node, 2 references | `\"rr\"` | 8 + 16 = 24 | 24 | `{Object a, b}` | 24 | – | `__slots__ = ('a','b')` | 32 | 16 | 48 |"), md);
        assertTrue(md.contains("| node, 2 references | `\"rr\"` | 8 + 16 = 24 | 24 | `{Object a, b}` | 24 | – | list of 2 | 56 (16 separate) | 16 | 72 |"), md);
        assertTrue(md.contains("| GCBench node | `\"rrdd\"` | 8 + 32 = 40 | 48 | `{Node left, right; int i, j}` | 32 | – | `__slots__` of 4 | 48 | 16 | 64 |"), md);
        assertTrue(md.contains("| double array of 1000 | `long[1000]` | 8 + 8000 = 8008 | 8192 | `double[1000]` | 8016 | – | `array('d')` of 1000 | 8064 (8000 separate) | 16 | 8080 |"), md);
        assertTrue(md.contains("| byte array of 100 | `byte[100]` | 8 + 104 = 112 | 112 | `byte[100]` | 120 | – | `bytes` of 100 | 133 | 0 | 133 |"), md);
        assertTrue(md.contains("HotSpot with `-XX:+UseCompactObjectHeaders` skipped: Unrecognized VM option 'UseCompactObjectHeaders'"), md);
        assertFalse(md.contains("CPython skipped"), md);
    }

    @Test
    void footprintRowsAndTheArithmetic() {
        String md = section().markdown();
        // total = 1536 + 65 + 32768 + 4096 KiB = 38,465 KiB over 64 MiB = 615,440 B per MiB = 58.7 %
        assertTrue(md.contains("| rc | `-o counts=side (default)` | 16 B | 4,194,304 | 1,536 | 65 | `refcount` 32,768 + `finalization-flags` 4,096 | 38,465 | 615,440 | 58.7 % |"), md);
        // declared: 3 bitmaps x 8 words x 8 B per 8 KiB page = 24,576 B per MiB; measured 1536 KiB / 64
        assertTrue(md.contains("| span bitmaps, 16-B objects | alloc + mark + pin: 3 × 512 bits in 8 words per 1-page span | 24,576 | 24,576 |"), md);
        assertTrue(md.contains("| span bitmaps, 64-B objects | alloc + mark + pin: 3 × 128 bits in 2 words per 1-page span | 6,144 | – |"), md);
        assertTrue(md.contains("| page table | 8-B pointer + 1 free bit per 8 KiB page | 1,040 | 1,040 |"), md);
        assertTrue(md.contains("| side table `refcount` | 32 bits per 8 B | 524,288 | 524,288 |"), md);
        assertTrue(md.contains("| side table `finalization-flags` | 4 bits per 8 B | 65,536 | 65,536 |"), md);
    }

    @Test
    void missingRuntimesShowDashesAndReasons() {
        List<LayoutTable.Spec> specs = LayoutTable.specs("rrdd");
        var none = new JolProbe.Outcome(null, "cannot start /nope/bin/java");
        var table = LayoutTable.build(specs, none, none, new CPythonSizes.Outcome(null, null, "'python3' not found"));
        String md = new LayoutSection(table, new SideTableFootprint.Footprint(List.of(), List.of())).markdown();
        assertTrue(md.contains("HotSpot skipped: cannot start /nope/bin/java"), md);
        assertTrue(md.contains("CPython skipped: 'python3' not found"), md);
        assertTrue(md.contains("| reference array of 10 | `ref[10]` | 8 + 80 = 88 | 96 | `Object[10]` | – | – | list of 10 | – | – | – |"), md);
    }
}
