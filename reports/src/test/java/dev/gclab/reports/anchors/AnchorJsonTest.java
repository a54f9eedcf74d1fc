package dev.gclab.reports.anchors;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AnchorJsonTest {
    static final String PY = """
        {"kind": "python", "version": "3.11.7", "implementation": "CPython"}
        some warning on stdout
        {"kind": "collect", "shape": "cyc2", "n": 100000, "objects": 100000, "ns": [1, 2, 3], "median_ns": 6000000, "ns_per_object": 60.0}
        {"kind": "collect", "shape": "tree", "n": 100000, "objects": 131071, "ns": [1], "median_ns": 7973242.5, "ns_per_object": 60.83}
        {"kind": "drop_tree", "shape": "tree_td", "n": 100000, "objects": 131071, "ns": [1], "median_ns": 5074498, "ns_per_object": 38.7}
        """;

    @Test
    void parsesPythonLines() {
        AnchorJson.PyOutput o = AnchorJson.parsePython(PY);
        assertEquals("3.11.7", o.version());
        assertEquals(3, o.figures().size());
        AnchorJson.PyFigure cyc2 = o.find("collect", "cyc2");
        assertEquals(100000, cyc2.objects());
        assertEquals(60.0, cyc2.nsPerObject(), 1e-9);
        assertEquals(7973242.5 / 131071, o.find("collect", "tree").nsPerObject(), 1e-9);
        assertEquals(131071, o.find("drop_tree", "tree_td").objects());
        assertNull(o.find("collect", "ring"));
    }

    @Test
    void pythonOutputWithoutMeasurementsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> AnchorJson.parsePython("{\"kind\": \"python\", \"version\": \"3.12\"}\n"));
        assertThrows(IllegalArgumentException.class, () -> AnchorJson.parsePython("{\"kind\": \"collect\", \"shape\": \"cyc2\"}"));
    }

    @Test
    void parsesChildJvmLineAmongOtherOutput() {
        String out = """
            [0.005s][info][gc] Using Serial
            {"kind":"gcbench","wall_ns":67927533,"gc_count":5,"gc_time_ms":14,"objects":15333862,"collectors":"Copy,MarkSweepCompact"}
            """;
        AnchorJson.JvmFigure f = AnchorJson.parseGcBench(out);
        assertEquals(67927533, f.wallNs());
        assertEquals(5, f.gcCount());
        assertEquals(14, f.gcTimeMs());
        assertEquals(15333862, f.objects());
        assertEquals("Copy,MarkSweepCompact", f.collectors());
    }

    @Test
    void childJvmOutputWithoutTheLineIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> AnchorJson.parseGcBench("Error: could not create the JVM\n"));
        assertThrows(IllegalArgumentException.class, () -> AnchorJson.parseGcBench("{\"kind\":\"gcbench\",\"wall_ns\":1}"));
    }
}
