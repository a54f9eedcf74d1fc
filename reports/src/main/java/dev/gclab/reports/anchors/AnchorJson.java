package dev.gclab.reports.anchors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/** Parses the JSON lines the anchor programs print (the Python script and the child-JVM GCBench). */
public final class AnchorJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AnchorJson() {}

    /**
     * One graph measurement, by CPython's script or by gclab's {@link GclabGraphs} child: {@code kind} is
     * "collect" (a full collection), "drop_tree" (freeing a dropped tree by count) or "young" (a young
     * collection of {@code objects} new objects over an old graph of the shape).
     */
    public record PyFigure(String kind, String shape, long objects, double medianNs) {
        public double nsPerObject() { return medianNs / objects; }
    }

    /** The script's (or child's) output: its version (null for gclab) and every measurement, in order. */
    public record PyOutput(String version, List<PyFigure> figures) {
        public PyFigure find(String kind, String shape) {
            for (PyFigure f : figures) if (f.kind().equals(kind) && f.shape().equals(shape)) return f;
            return null;
        }
    }

    /** The child JVM's GCBench line. */
    public record JvmFigure(long wallNs, long gcCount, long gcTimeMs, long objects, String collectors) {}

    /** Parses the Python script's (or a {@link GclabGraphs} child's) stdout; lines that are not JSON objects are ignored. */
    public static PyOutput parsePython(String stdout) {
        String version = null;
        List<PyFigure> figures = new ArrayList<>();
        for (String line : stdout.split("\\R")) {
            JsonNode n = parseLine(line);
            if (n == null) continue;
            String kind = n.path("kind").asText("");
            switch (kind) {
                case "python" -> version = n.path("version").asText(null);
                case "collect", "drop_tree", "young" -> figures.add(new PyFigure(kind, required(n, "shape").asText(),
                    required(n, "objects").asLong(), required(n, "median_ns").asDouble()));
                default -> { }
            }
        }
        if (figures.isEmpty()) throw new IllegalArgumentException("no measurements in the anchor's output");
        return new PyOutput(version, List.copyOf(figures));
    }

    /** Parses the child JVM's stdout: its last {@code "kind":"gcbench"} line. */
    public static JvmFigure parseGcBench(String stdout) {
        JvmFigure found = null;
        for (String line : stdout.split("\\R")) {
            JsonNode n = parseLine(line);
            if (n == null || !"gcbench".equals(n.path("kind").asText())) continue;
            found = new JvmFigure(required(n, "wall_ns").asLong(), required(n, "gc_count").asLong(),
                required(n, "gc_time_ms").asLong(), n.path("objects").asLong(0), n.path("collectors").asText(""));
        }
        if (found == null) throw new IllegalArgumentException("no gcbench line in the child JVM's output");
        return found;
    }

    private static JsonNode parseLine(String line) {
        String t = line.strip();
        if (!t.startsWith("{")) return null;
        try {
            JsonNode n = MAPPER.readTree(t);
            return n.isObject() ? n : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static JsonNode required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException("anchor line lacks \"" + field + "\": " + n);
        return v;
    }
}
