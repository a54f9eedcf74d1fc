package dev.gclab.reports.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gclab.reports.GclabVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code gclab bench --json FILE}: {@code {"schema_version": 1, "kind": "gclab-bench", "gclab_version",
 * "machine": {jdk_version, vm, processors, os, arch, timestamp}, "settings", "rows": [...]}}, each row
 * {feature, benchmark, params, mode, score, error, unit, ns_per_object, instructions_per_op,
 * instructions_error}; numbers that do not exist (an error of one iteration, ns per object of a
 * benchmark that is not per graph) are {@code null}. {@link #readBaseline} reads it back.
 */
public final class BenchJson {
    private BenchJson() {}

    public static final int SCHEMA_VERSION = 1;
    public static final String KIND = "gclab-bench";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Facts about the machine and the JVM that ran the benchmarks. */
    public record Machine(String jdkVersion, String vm, int processors, String os, String arch, String timestamp) {
        public static Machine current(String jdkVersion, String vm) {
            return new Machine(jdkVersion != null ? jdkVersion : Runtime.version().toString(),
                vm != null ? vm : System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
                Instant.now().toString());
        }
    }

    public static String toJson(List<BenchRow> rows, Machine machine, String settings) throws JsonProcessingException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.put("kind", KIND);
        root.put("gclab_version", GclabVersion.get());
        ObjectNode m = root.putObject("machine");
        m.put("jdk_version", machine.jdkVersion());
        m.put("vm", machine.vm());
        m.put("processors", machine.processors());
        m.put("os", machine.os());
        m.put("arch", machine.arch());
        m.put("timestamp", machine.timestamp());
        root.put("settings", settings);
        ArrayNode arr = root.putArray("rows");
        for (BenchRow r : rows) {
            ObjectNode o = arr.addObject();
            o.put("feature", r.feature());
            o.put("benchmark", r.benchmark());
            ObjectNode p = o.putObject("params");
            new TreeMap<>(r.params()).forEach(p::put);
            o.put("mode", r.mode());
            num(o, "score", r.score());
            num(o, "error", r.error());
            o.put("unit", r.unit());
            num(o, "ns_per_object", r.nsPerObject());
            num(o, "instructions_per_op", r.instructions());
            num(o, "instructions_error", r.instructionsError());
        }
        return MAPPER.writeValueAsString(root) + "\n";
    }

    public static void write(Path file, List<BenchRow> rows, Machine machine, String settings) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toJson(rows, machine, settings));
    }

    private static void num(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) o.put(key, v);
        else o.putNull(key);
    }

    /** Reads a file written by {@link #write}; every problem is a {@link BenchFormatException} naming the file. */
    public static List<BenchRow> readBaseline(Path file) throws BenchFormatException {
        String where = "baseline " + file;
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new BenchFormatException(where + ": no such file");
        } catch (JsonProcessingException e) {
            throw new BenchFormatException(where + ": not JSON (" + e.getOriginalMessage() + ", line "
                + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
        } catch (IOException e) {
            throw new BenchFormatException(where + ": cannot read it (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (root == null || !root.isObject() || !KIND.equals(root.path("kind").asText()) || !root.path("rows").isArray()) {
            String hint = root != null && root.isArray() ? " (it looks like JMH's own result file; give a file written by 'gclab bench --json')"
                : root != null && root.has("comparison") || root != null && root.has("collector") ? " (it is a 'gclab run/compare' result)" : "";
            throw new BenchFormatException(where + ": not a file written by 'gclab bench --json' (expected an object with \"kind\": \""
                + KIND + "\" and a \"rows\" array)" + hint);
        }
        int version = root.path("schema_version").asInt(-1);
        if (version != SCHEMA_VERSION) {
            throw new BenchFormatException(where + ": schema_version " + root.path("schema_version") + ", this gclab reads " + SCHEMA_VERSION);
        }
        List<BenchRow> rows = new ArrayList<>();
        int i = 0;
        for (JsonNode o : root.get("rows")) {
            String at = where + ": rows[" + i++ + "]";
            if (!o.path("benchmark").isTextual()) throw new BenchFormatException(at + ": no \"benchmark\" string");
            if (!o.path("score").isNumber()) throw new BenchFormatException(at + " (" + o.path("benchmark").asText() + "): no numeric \"score\"");
            if (!o.path("unit").isTextual()) throw new BenchFormatException(at + " (" + o.path("benchmark").asText() + "): no \"unit\" string");
            if (!o.path("params").isObject() && !o.path("params").isMissingNode()) throw new BenchFormatException(at + ": \"params\" is not an object");
            Map<String, String> params = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.path("params").properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
            rows.add(new BenchRow(o.path("feature").asText(""), o.get("benchmark").asText(), params, o.path("mode").asText(""),
                o.get("score").asDouble(), dbl(o.path("error")), o.get("unit").asText(), dbl(o.path("ns_per_object")),
                dbl(o.path("instructions_per_op")), dbl(o.path("instructions_error"))));
        }
        return rows;
    }

    private static double dbl(JsonNode n) { return n.isNumber() ? n.asDouble() : Double.NaN; }
}
