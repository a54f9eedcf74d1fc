package dev.gclab.reports.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --json} output and reading it back as a baseline, including what a malformed baseline says. */
class BenchJsonTest {
    @TempDir Path dir;

    private static final BenchJson.Machine MACHINE = new BenchJson.Machine("25.0.3+9-LTS", "OpenJDK 64-Bit Server VM", 2, "Linux 6", "amd64", "2026-11-22T05:00:00Z");

    @Test
    void writesRowsAndMachineFactsAndReadsThemBack() throws Exception {
        List<BenchRow> rows = JmhJsonTest.sample().stream().map(BenchRow::of).toList();
        Path f = dir.resolve("sub/bench.json");
        BenchJson.write(f, rows, MACHINE, "-f 1");
        JsonNode root = new ObjectMapper().readTree(f.toFile());
        assertEquals(1, root.get("schema_version").asInt());
        assertEquals("gclab-bench", root.get("kind").asText());
        assertEquals("25.0.3+9-LTS", root.at("/machine/jdk_version").asText());
        assertEquals(2, root.at("/machine/processors").asInt());
        assertTrue(root.at("/machine/timestamp").isTextual());
        JsonNode ms = root.get("rows").get(2);
        assertEquals("mark-sweep full GC: random, side marks", ms.get("feature").asText());
        assertEquals("dev.gclab.bench.MarkSweepBench.fullCollection", ms.get("benchmark").asText());
        assertEquals("SIDE", ms.at("/params/markBits").asText());
        assertEquals("ms/op", ms.get("unit").asText());
        assertEquals(29.6, ms.get("ns_per_object").asDouble(), 0.01);
        assertTrue(root.get("rows").get(0).get("error").isNull(), "NaN is written as null");
        assertTrue(root.get("rows").get(0).get("ns_per_object").isNull());
        assertEquals(61.5, root.get("rows").get(1).get("instructions_per_op").asDouble());

        List<BenchRow> back = BenchJson.readBaseline(f);
        assertEquals(rows.size(), back.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i).key(), back.get(i).key());
            assertEquals(rows.get(i).score(), back.get(i).score());
            assertEquals(rows.get(i).feature(), back.get(i).feature());
        }
        assertTrue(Double.isNaN(back.get(0).error()));
    }

    private String malformed(String content) throws Exception {
        Path f = dir.resolve("base.json");
        Files.writeString(f, content);
        BenchFormatException e = assertThrows(BenchFormatException.class, () -> BenchJson.readBaseline(f));
        assertTrue(e.getMessage().startsWith("baseline " + f + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void malformedBaselinesNameTheFileAndTheProblem() throws Exception {
        assertTrue(malformed("{ not json").contains("not JSON"));
        assertTrue(malformed("").contains("not a file written by 'gclab bench --json'"));
        assertTrue(malformed("[{\"benchmark\": \"x\"}]").contains("JMH's own result file"));
        assertTrue(malformed("{\"schema_version\": 1, \"comparison\": []}").contains("'gclab run/compare' result"));
        assertTrue(malformed("{\"schema_version\": 9, \"kind\": \"gclab-bench\", \"rows\": []}").contains("schema_version 9"));
        assertTrue(malformed("{\"schema_version\": 1, \"kind\": \"gclab-bench\", \"rows\": [{\"benchmark\": \"a.B.c\", \"score\": \"fast\", \"unit\": \"ns/op\"}]}")
            .contains("rows[0] (a.B.c): no numeric \"score\""));
        assertTrue(malformed("{\"schema_version\": 1, \"kind\": \"gclab-bench\", \"rows\": [{\"score\": 1}]}").contains("rows[0]: no \"benchmark\""));
    }

    @Test
    void missingBaseline() {
        Path f = dir.resolve("nope.json");
        BenchFormatException e = assertThrows(BenchFormatException.class, () -> BenchJson.readBaseline(f));
        assertEquals("baseline " + f + ": no such file", e.getMessage());
    }

    @Test
    void emptyRowsAreAValidBaseline() throws Exception {
        Path f = dir.resolve("empty.json");
        BenchJson.write(f, List.of(), MACHINE, "");
        assertEquals(List.of(), BenchJson.readBaseline(f));
        assertEquals(Map.of(), Map.of());
    }
}
