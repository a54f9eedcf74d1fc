package dev.gclab.reports.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gclab.reports.runner.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonJsonTest {
    private static List<RunResult> two() {
        RunResult a = ResultJsonTest.sample();
        RunResult b = ResultJson.parse(ResultJson.toJson(a).replace("\"collector\" : \"marksweep\"", "\"collector\" : \"rc\""));
        return List.of(a, b);
    }

    @Test
    void writesTheRunsAsResultObjectsUnderComparison(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x/y/cmp.json");
        ComparisonJson.write(two(), file);
        JsonNode tree = new ObjectMapper().readTree(file.toFile());
        List<String> keys = new ArrayList<>();
        tree.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("schema_version", "gclab_version", "comparison"), keys);
        assertEquals(2, tree.get("comparison").size());
        List<String> runKeys = new ArrayList<>();
        tree.get("comparison").get(1).fieldNames().forEachRemaining(runKeys::add);
        assertEquals(ResultJsonTest.KEYS, runKeys, "each run is a complete result");
        ComparisonJson.Comparison back = ComparisonJson.read(file);
        assertEquals(two(), back.comparison());
        assertEquals(1, back.schemaVersion());
    }

    @Test
    void errorsNameTheRunAndTheKey() {
        String json = ComparisonJson.toJson(two());
        int second = json.indexOf("\"p90_ns\"", json.indexOf("\"collector\" : \"rc\"")); // the second run's pauses
        String bad = json.substring(0, second) + json.substring(second).replaceFirst("\"p90_ns\" : 600000", "\"p90_ns\" : \"slow\"");
        var e = assertThrows(ResultFormatException.class, () -> ComparisonJson.parse(bad, "c.json"));
        assertTrue(e.getMessage().startsWith("c.json: at line ") && e.getMessage().contains("key comparison[1].pauses.p90_ns"), e.getMessage());
        var missing = assertThrows(ResultFormatException.class,
            () -> ComparisonJson.parse(json.replaceFirst("\"gc_cycles\" : 12,", ""), "c.json"));
        assertTrue(missing.getMessage().contains("missing key 'gc_cycles'"), missing.getMessage());
        var single = assertThrows(ResultFormatException.class, () -> ComparisonJson.parse(ResultJson.toJson(two().get(0)), "r.json"));
        assertTrue(single.getMessage().contains("expected key 'comparison' holding an array of runs (this looks like the result of one run"),
            single.getMessage());
        var v2 = assertThrows(ResultFormatException.class,
            () -> ComparisonJson.parse(json.replaceFirst("\"schema_version\" : 1", "\"schema_version\" : 2"), "c.json"));
        assertTrue(v2.getMessage().contains("unsupported schema_version 2"), v2.getMessage());
        var inner = assertThrows(ResultFormatException.class, () -> ComparisonJson.parse(
            json.replaceFirst("(\"comparison\" : \\[ \\{\\s*\"schema_version\" : )1", "$12"), "c.json"));
        assertTrue(inner.getMessage().contains("comparison[0]: unsupported schema_version 2"), inner.getMessage());
        var malformed = assertThrows(ResultFormatException.class, () -> ComparisonJson.parse("{\"comparison\": [", "c.json"));
        assertTrue(malformed.getMessage().startsWith("c.json: malformed JSON at line 1"), malformed.getMessage());
    }
}
