package dev.gclab.reports.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gclab run --json}: the file, its keys and their types, and repeating a run by its printed seed. */
class RunJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode runToJson(Path file, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("run", "-c", "marksweep", "-w", "testchurn", "--size", "0.3",
            "--heap", "32m", "--json", file.toString(), "-q"));
        args.addAll(List.of(more));
        CliResult r = CliResult.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("result written to " + file), r::toString);
        return JSON.readTree(Files.readString(file));
    }

    @Test
    void writesEveryKeyWithItsType(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("new/sub/dir/result.json");
        JsonNode j = runToJson(file, "--seed", "11", "-p", "keep=32", "--verify");
        check(j, "schema_version", n -> n.isInt() && n.asInt() == 1);
        check(j, "gclab_version", JsonNode::isTextual);
        check(j, "timestamp", n -> n.isTextual() && java.time.Instant.parse(n.asText()) != null);
        check(j, "collector", n -> n.asText().equals("marksweep"));
        check(j, "workload", n -> n.asText().equals("testchurn"));
        check(j, "seed", n -> n.isIntegralNumber() && n.asLong() == 11);
        check(j, "size", n -> n.isDouble() && n.asDouble() == 0.3);
        check(j, "params", n -> n.isObject() && n.get("keep").asText().equals("32"));
        check(j, "heap_bytes", n -> n.isIntegralNumber() && n.asLong() == 32L << 20);
        check(j, "gc_cycles", n -> n.isIntegralNumber() && n.asLong() > 0);
        check(j, "young_cycles", JsonNode::isIntegralNumber);
        check(j, "pauses", JsonNode::isObject);
        for (String k : List.of("count", "total_ns", "p50_ns", "p90_ns", "p99_ns", "max_ns")) check(j.get("pauses"), k, JsonNode::isIntegralNumber);
        check(j, "work", n -> n.isObject() && n.size() >= 10);
        j.get("work").properties().forEach(e -> assertTrue(e.getValue().isIntegralNumber(), e.getKey()));
        check(j.get("work"), "allocations", n -> n.asLong() > 30_000);
        for (String k : List.of("wall_ns", "gc_ns", "mutator_ns", "peak_in_use_bytes")) check(j, k, n -> n.isIntegralNumber() && n.asLong() > 0);
        assertEquals(j.get("wall_ns").asLong() - j.get("gc_ns").asLong() - j.get("verify_ns").asLong(), j.get("mutator_ns").asLong());
        check(j, "collector_counters", JsonNode::isObject);
        check(j, "constraints", JsonNode::isObject);
        check(j.get("constraints"), "moves_objects", JsonNode::isBoolean);
        check(j.get("constraints"), "barrier", n -> n.asText().equals("none"));
        for (String k : List.of("needs_ref_counts", "generational", "incremental", "supports_pinning")) check(j.get("constraints"), k, JsonNode::isBoolean);
        check(j, "mark_bits", n -> n.asText().equals("side"));
        check(j, "checks", n -> n.asText().equals("full"));
        check(j, "verify", n -> n.isBoolean() && n.asBoolean());
        check(j, "growth_factor", n -> n.isDouble() && n.asDouble() == 2.0);
        check(j, "jdk_version", n -> n.asText().equals(Runtime.version().toString()));
        check(j, "os", JsonNode::isObject);
        for (String k : List.of("name", "arch", "version")) check(j.get("os"), k, JsonNode::isTextual);
        check(j, "machine", JsonNode::isObject);
        check(j.get("machine"), "available_processors", n -> n.isInt() && n.asInt() >= 1);
        check(j.get("machine"), "jvm_max_memory_bytes", JsonNode::isIntegralNumber);
    }

    private static void check(JsonNode parent, String key, Predicate<JsonNode> ok) {
        JsonNode n = parent.get(key);
        assertTrue(n != null, "missing key " + key + " in " + parent);
        assertTrue(ok.test(n), "key " + key + " has a wrong type or value: " + n);
    }

    @Test
    void printedSeedRepeatsTheRun(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first.json");
        List<String> args = List.of("run", "-c", "marksweep", "-w", "testchurn", "--size", "0.3", "--heap", "32m", "--json", first.toString());
        CliResult r = CliResult.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        Matcher m = Pattern.compile("seed (\\d+) \\(random; repeat with --seed \\1\\)").matcher(r.out());
        assertTrue(m.find(), r::toString);
        JsonNode a = JSON.readTree(Files.readString(first));
        JsonNode b = runToJson(dir.resolve("second.json"), "--seed", m.group(1));
        assertEquals(a.get("seed"), b.get("seed"));
        assertEquals(a.get("gc_cycles"), b.get("gc_cycles"));
        assertEquals(a.get("work"), b.get("work"));
    }

    @Test
    void aJsonFileThatCannotBeCreatedIsRefusedBeforeTheRun(@TempDir Path dir) throws Exception {
        Path blocker = Files.writeString(dir.resolve("file"), "x");
        CliResult r = CliResult.run("run", "-c", "marksweep", "-w", "testchurn", "--size", "0.1", "--heap", "16m",
            "--json", blocker.resolve("result.json").toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().startsWith("Invalid value for option '--json': cannot create '" + blocker.resolve("result.json") + "': "
            + blocker + " is not a directory"), r::toString);
        assertEquals("", r.out(), "nothing ran");
    }
}
