package dev.gclab.reports.anchors;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SizeJsonTest {
    static final String JOL = """
        # WARNING: Unable to get Instrumentation. No instrumentation. Add this JAR as -javaagent manually.
        {"kind":"vm","java_version":"25.0.1+8-LTS","compact_headers":"false","compressed_oops":"true"}
        WARNING: A terminally deprecated method in a JDK-internal memory-access class has been called
        {"kind":"size","object":"node2","bytes":24}
        {"kind":"size","object":"byte[]:100","bytes":120}
        """;

    @Test
    void readsInfoAndSizesAmongWarnings() {
        SizeJson.Output o = SizeJson.parse(JOL, "jol", "vm", List.of("node2", "byte[]:100"), List.of("bytes"));
        assertEquals("25.0.1+8-LTS", o.info().get("java_version").asText());
        assertEquals(24, o.size("node2").get("bytes").asLong());
        assertEquals(120, o.size("byte[]:100").get("bytes").asLong());
        assertEquals(2, o.sizes().size());
    }

    @Test
    void malformedJsonLineIsAnErrorNamingTheLine() {
        String out = JOL.replace("{\"kind\":\"size\",\"object\":\"node2\",\"bytes\":24}", "{\"kind\":\"size\",\"object\":\"node2\",\"bytes\":");
        var e = assertThrows(IllegalArgumentException.class, () -> SizeJson.parse(out, "jol", "vm", List.of("node2"), List.of("bytes")));
        assertTrue(e.getMessage().startsWith("jol: line 4 is not valid JSON"), e.getMessage());
    }

    @Test
    void missingOrNonIntegerFieldIsAnError() {
        String text = "{\"kind\":\"vm\"}\n{\"kind\":\"size\",\"object\":\"node2\",\"bytes\":\"big\"}\n";
        var e = assertThrows(IllegalArgumentException.class, () -> SizeJson.parse(text, "jol", "vm", List.of("node2"), List.of("bytes")));
        assertTrue(e.getMessage().contains("line 2 lacks integer \"bytes\""), e.getMessage());
        String fractional = "{\"kind\":\"vm\"}\n{\"kind\":\"size\",\"object\":\"node2\",\"bytes\":24.5}\n";
        assertThrows(IllegalArgumentException.class, () -> SizeJson.parse(fractional, "jol", "vm", List.of("node2"), List.of("bytes")));
        String noObject = "{\"kind\":\"vm\"}\n{\"kind\":\"size\",\"bytes\":24}\n";
        e = assertThrows(IllegalArgumentException.class, () -> SizeJson.parse(noObject, "jol", "vm", List.of(), List.of("bytes")));
        assertTrue(e.getMessage().contains("lacks \"object\""), e.getMessage());
    }

    @Test
    void missingObjectOrInfoLineIsAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> SizeJson.parse(JOL, "jol", "vm", List.of("node2", "gcnode"), List.of("bytes")));
        assertEquals("jol: no size line for 'gcnode'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SizeJson.parse(JOL, "py", "python", List.of(), List.of("bytes")));
        assertEquals("py: no \"python\" line in its output", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SizeJson.parse("", "jol", "vm", List.of(), List.of()));
    }
}
