package dev.gclab.reports.anchors;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JolProbeTest {
    static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    static final String CP = System.getProperty("java.class.path");

    @Test
    void tokensMakeTheRightObjects() {
        assertInstanceOf(JolProbe.Node2.class, JolProbe.instance("node2"));
        assertEquals(10, ((Object[]) JolProbe.instance("Object[]:10")).length);
        assertEquals(1000, ((double[]) JolProbe.instance("double[]:1000")).length);
        assertEquals(100, ((byte[]) JolProbe.instance("byte[]:100")).length);
        var e = assertThrows(IllegalArgumentException.class, () -> JolProbe.instance("String"));
        assertTrue(e.getMessage().contains("unknown object 'String'"), e.getMessage());
    }

    /** One real child JVM with default flags (about half a second). */
    @Test
    void realChildMeasuresPlausibleSizes() {
        long t0 = System.nanoTime();
        JolProbe.Outcome o = JolProbe.run(JAVA_HOME, CP, List.of(), List.of("node2", "gcnode", "byte[]:100", "double[]:1000"));
        assertTrue(o.ran(), o.skipped());
        assertEquals(Runtime.version().toString(), o.output().info().get("java_version").asText());
        // header 8..16 bytes, 4- or 8-byte references, 8-byte alignment
        for (String k : List.of("node2", "gcnode", "byte[]:100", "double[]:1000")) assertEquals(0, o.bytes(k) % 8, k);
        assertTrue(o.bytes("node2") >= 8 + 2 * 4 && o.bytes("node2") <= 16 + 2 * 8, "node2 " + o.bytes("node2"));
        assertTrue(o.bytes("gcnode") >= o.bytes("node2") + 8, "gcnode " + o.bytes("gcnode"));
        assertTrue(o.bytes("byte[]:100") >= 112 && o.bytes("byte[]:100") <= 128, "byte[100] " + o.bytes("byte[]:100"));
        assertTrue(o.bytes("double[]:1000") >= 8008 && o.bytes("double[]:1000") <= 8024, "double[1000] " + o.bytes("double[]:1000"));
        assertSame(o, o.requiring("java_version", Runtime.version().toString()));
        JolProbe.Outcome wrong = o.requiring("compact_headers", "maybe");
        assertFalse(wrong.ran());
        assertTrue(wrong.skipped().contains("compact_headers = "), wrong.skipped());
        System.out.printf("JolProbe child: %.2f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void refusedFlagIsASkipWithTheJvmsReason() {
        JolProbe.Outcome o = JolProbe.run(JAVA_HOME, CP, List.of("-XX:+NoSuchGclabFlag"), List.of("node2"));
        assertFalse(o.ran());
        assertTrue(o.skipped().contains("-XX:+NoSuchGclabFlag") && o.skipped().contains("Unrecognized VM option"), o.skipped());
    }

    @Test
    void missingJavaIsASkip() {
        JolProbe.Outcome o = JolProbe.run(Path.of("/no/such/jdk"), CP, List.of(), List.of("node2"));
        assertFalse(o.ran());
        assertTrue(o.skipped().startsWith("cannot start /no/such/jdk/bin/java"), o.skipped());
    }
}
