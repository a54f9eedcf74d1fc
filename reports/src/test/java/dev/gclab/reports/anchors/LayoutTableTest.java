package dev.gclab.reports.anchors;

import dev.gclab.heap.object.LayoutRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LayoutTableTest {
    private static LayoutTable.GclabSize fixed(String fields) {
        LayoutRegistry reg = new LayoutRegistry();
        return LayoutTable.gclabSize(reg, reg.fixed("t", fields), 0);
    }

    private static LayoutTable.GclabSize array(int layout, int length) {
        return LayoutTable.gclabSize(new LayoutRegistry(), layout, length);
    }

    @Test
    void gclabSizesAreHeaderPlusWordsRoundedToTheSizeClass() {
        // expectations from Go's size-class table: 8, 16, 24, 32, 48, 64, 80, 96, 112, ... 6912, 8192
        assertEquals(new LayoutTable.GclabSize("`\"rr\"`", 8, 8 + 16, 24), fixed("rr"));
        assertEquals(new LayoutTable.GclabSize("`\"rrdd\"`", 8, 8 + 32, 48), fixed("rrdd"));
        assertEquals(new LayoutTable.GclabSize("`ref[10]`", 8, 8 + 80, 96), array(LayoutRegistry.REF_ARRAY, 10));
        assertEquals(new LayoutTable.GclabSize("`long[1000]`", 8, 8 + 8000, 8192), array(LayoutRegistry.LONG_ARRAY, 1000));
        assertEquals(new LayoutTable.GclabSize("`byte[100]`", 8, 8 + 104, 112), array(LayoutRegistry.BYTE_ARRAY, 100));
    }

    @Test
    void largeObjectsTakeWholePages() {
        // 8 + 5000 * 8 = 40,008 bytes > 32 KiB: a span of its own, 5 pages of 8 KiB
        assertEquals(5 * 8192, array(LayoutRegistry.LONG_ARRAY, 5000).used());
        assertEquals(4 * 8192, array(LayoutRegistry.BYTE_ARRAY, 4 * 8192 - 8).used());
    }

    @Test
    void gcbenchNodeLayoutIsReadFromTheWorkload() {
        assertEquals("rrdd", LayoutTable.gcbenchNodeFields());
    }

    @Test
    void rowsPerCPythonFormAndDashesWhereARuntimeIsMissing() {
        List<LayoutTable.Spec> specs = LayoutTable.specs("rrdd");
        assertEquals(List.of("node2", "gcnode", "Object[]:10", "double[]:1000", "byte[]:100"), LayoutTable.javaTokens(specs));
        List<String> py = LayoutTable.pythonTokens(specs);
        assertEquals(List.of("slots:2", "list:2", "tuple:2", "slots:4", "list:10", "tuple:10", "array_d:1000", "bytes:100", "bytearray:100"), py);

        JolProbe.Outcome none = new JolProbe.Outcome(null, "no JVM");
        LayoutTable.Table t = LayoutTable.build(specs, none, none, new CPythonSizes.Outcome(null, null, "no python"));
        assertEquals(py.size(), t.rows().size());
        assertNull(t.rows().getFirst().hotspot());
        assertNull(t.rows().getFirst().cpython());
        assertEquals("no python", t.cpythonSkipped());
        assertEquals(24, t.rows().get(2).gclab().size(), "the tuple row repeats the node's gclab size");
    }
}
