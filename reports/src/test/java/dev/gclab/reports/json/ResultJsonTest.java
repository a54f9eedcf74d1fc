package dev.gclab.reports.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gclab.reports.runner.Experiment;
import dev.gclab.reports.runner.ExperimentRunner;
import dev.gclab.reports.runner.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultJsonTest {
    /** Every top-level key of schema 1, in file order. */
    static final List<String> KEYS = List.of("schema_version", "gclab_version", "timestamp", "collector", "workload",
        "seed", "size", "params", "collector_options", "heap_bytes", "mark_bits", "checks", "verify", "growth_factor", "constraints",
        "gc_cycles", "young_cycles", "pauses", "wall_ns", "gc_ns", "mutator_ns", "peak_in_use_bytes", "work",
        "verify_ns", "collector_counters", "jdk_version", "os", "machine", "spaces", "pauses_minor", "pauses_major", "mmu", "timeline");

    static RunResult sample() {
        Map<String, Long> work = new LinkedHashMap<>();
        work.put("allocations", 1000L);
        work.put("allocated_bytes", 123_456L);
        return new RunResult(1, "0.1.0-SNAPSHOT", "2026-01-02T03:04:05.678Z", "marksweep", "gcbench", -7L, 0.25,
            Map.of("depth", "16"), Map.of("counts", "side"), 256L << 20, "side", "full", true, 2.0,
            new RunResult.Constraints(false, "none", false, false, false, false), 12, 0,
            new RunResult.Pauses(12, 5_000_000, 400_000, 600_000, 900_000, 901_000),
            100_000_000, 5_000_000, 95_000_000, 40L << 20, work, 0L, Map.of("pages_dirtied", 3L), "25.0.3+9-LTS",
            new RunResult.Os("Linux", "amd64", "6.1"), new RunResult.Machine(2, 2L << 30),
            Map.of("main", new RunResult.SpaceStats(30L << 20, 64L << 20, 40L << 20, 0, 0)), RunResult.Pauses.NONE,
            new RunResult.Pauses(12, 5_000_000, 400_000, 600_000, 900_000, 901_000),
            List.of(new RunResult.MmuPoint(1, 0.0), new RunResult.MmuPoint(10, 0.5)),
            new RunResult.PauseTimeline(10, 100_000_010, List.of(20L, 50L), List.of(5L, 7L), List.of("major", "major"),
                List.of(100L, 90L), List.of("main"), List.of(List.of(100L), List.of(90L)), List.of(20L), List.of(3L), List.of("mark")));
    }

    @Test
    void writesSnakeCaseKeysInOrder() throws Exception {
        JsonNode tree = new ObjectMapper().readTree(ResultJson.toJson(sample()));
        List<String> names = new ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        assertEquals(KEYS, names);
        assertEquals(List.of("count", "total_ns", "p50_ns", "p90_ns", "p99_ns", "max_ns"), fieldNames(tree.get("pauses")));
        assertEquals(List.of("moves_objects", "barrier", "needs_ref_counts", "generational", "incremental", "supports_pinning"),
            fieldNames(tree.get("constraints")));
        assertEquals(List.of("available_processors", "jvm_max_memory_bytes"), fieldNames(tree.get("machine")));
        assertEquals(List.of("allocations", "allocated_bytes"), fieldNames(tree.get("work")));
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void roundTripsASample() {
        RunResult r = sample();
        assertEquals(r, ResultJson.parse(ResultJson.toJson(r)));
    }

    @Test
    void roundTripsARealRunThroughAFile(@TempDir Path dir) throws Exception {
        RunResult r = new ExperimentRunner().run(Experiment.of("marksweep", "testchurn", 5).withSize(0.2).withHeapBytes(32L << 20));
        Path file = dir.resolve("a/b/result.json");
        ResultJson.write(r, file);
        RunResult back = ResultJson.read(file);
        assertEquals(r, back);
        assertEquals(new ArrayList<>(r.work().keySet()), new ArrayList<>(back.work().keySet()));
    }

    @Test
    void ignoresUnknownKeys() {
        String json = ResultJson.toJson(sample()).replaceFirst("\\{", "{\"added_later\": [1, 2],");
        assertEquals(sample(), ResultJson.parse(json));
    }

    @Test
    void malformedJsonNamesTheLocationAndWhatWasExpected() {
        var e = assertThrows(ResultFormatException.class, () -> ResultJson.parse("{\n  \"schema_version\": 1,,\n}", "r.json"));
        assertTrue(e.getMessage().startsWith("r.json: malformed JSON at line 2, column 23 (offset 24): "), e.getMessage());
        assertTrue(e.getMessage().contains("was expecting double-quote to start field name"), e.getMessage());
    }

    @Test
    void truncatedJsonSaysSo() {
        String json = ResultJson.toJson(sample());
        var e = assertThrows(ResultFormatException.class, () -> ResultJson.parse(json.substring(0, json.length() / 2)));
        assertTrue(e.getMessage().contains("malformed JSON at line "), e.getMessage());
        assertTrue(e.getMessage().contains("end-of-input"), e.getMessage());
    }

    @Test
    void wrongTypeNamesTheKey() {
        String json = ResultJson.toJson(sample()).replace("\"p90_ns\" : 600000", "\"p90_ns\" : \"slow\"");
        var e = assertThrows(ResultFormatException.class, () -> ResultJson.parse(json));
        assertTrue(e.getMessage().contains("key pauses.p90_ns"), e.getMessage());
        assertTrue(e.getMessage().contains("long"), e.getMessage());
    }

    @Test
    void missingKeyIsNamed() {
        String json = ResultJson.toJson(sample()).replace("\"gc_cycles\" : 12,", "");
        var e = assertThrows(ResultFormatException.class, () -> ResultJson.parse(json));
        assertTrue(e.getMessage().endsWith(": missing key 'gc_cycles'"), e.getMessage());
        String nullVerify = ResultJson.toJson(sample()).replace("\"verify\" : true", "\"verify\" : null");
        var n = assertThrows(ResultFormatException.class, () -> ResultJson.parse(nullVerify));
        assertTrue(n.getMessage().contains("key verify: Cannot map `null` into type `boolean`"), n.getMessage());
        assertTrue(!n.getMessage().contains("DeserializationFeature"), n.getMessage());
    }

    @Test
    void otherSchemaVersionsAndNonObjectsAreRejected() {
        String v2 = ResultJson.toJson(sample()).replace("\"schema_version\" : 1", "\"schema_version\" : 2");
        var e = assertThrows(ResultFormatException.class, () -> ResultJson.parse(v2));
        assertTrue(e.getMessage().contains("unsupported schema_version 2 (this gclab reads schema_version 1)"), e.getMessage());
        var a = assertThrows(ResultFormatException.class, () -> ResultJson.parse("[1, 2]"));
        assertTrue(a.getMessage().contains("expected a JSON object"), a.getMessage());
        var empty = assertThrows(ResultFormatException.class, () -> ResultJson.parse(""));
        assertTrue(empty.getMessage().endsWith("expected a JSON object (a gclab result), found no content"), empty.getMessage());
    }

    @Test
    void readNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"schema_version\": 1, \"collector\": }");
        var e = assertThrows(ResultFormatException.class, () -> ResultJson.read(file));
        assertTrue(e.getMessage().startsWith(file + ": malformed JSON at line 1, column 36 (offset 35)"), e.getMessage());
    }
}
