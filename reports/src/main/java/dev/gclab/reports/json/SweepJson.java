package dev.gclab.reports.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gclab.reports.runner.RunResult;
import dev.gclab.reports.sweep.Sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The file of {@code gclab sweep} ({@link Sweep}; README, "Sweep schema"). Reading is as strict as
 * {@link ResultJson}'s: {@code kind} must be {@value Sweep#KIND} and {@code schema_version} 1; every key
 * of the sweep, of each collector and of each point must be present; a completed point's {@code result}
 * is a complete run result and a failed point's {@code failure} says why. Errors name the file, then the
 * position or the key path ({@code points[3].result.pauses.p50_ns}) and the first problem.
 */
public final class SweepJson {
    private SweepJson() {}


    public static String toJson(Sweep s) {
        try {
            return ResultJson.MAPPER.writeValueAsString(s) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a sweep: " + e.getOriginalMessage(), e);
        }
    }

    public static void write(Sweep s, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toJson(s), StandardCharsets.UTF_8);
    }

    public static Sweep read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    public static Sweep parse(String json, String source) {
        try {
            return parse(ResultJson.MAPPER.readTree(json), json, source);
        } catch (JsonProcessingException e) {
            throw new ResultFormatException(source + ": malformed JSON " + ResultJson.where(e) + ": " + e.getOriginalMessage(), e);
        }
    }

    /** {@code tree} is {@code json} parsed (the report reads each file once to tell its kind). */
    public static Sweep parse(JsonNode tree, String json, String source) {
        try {
            if (tree == null || !tree.isObject()) {
                throw new ResultFormatException(source + ": expected a JSON object (a gclab sweep), found "
                    + (tree == null || tree.isMissingNode() ? "no content" : tree.getNodeType().toString().toLowerCase(Locale.ROOT)), null);
            }
            JsonNode kind = tree.get("kind");
            if (kind == null || !kind.isTextual() || !kind.asText().equals(Sweep.KIND)) {
                throw new ResultFormatException(source + ": not a gclab sweep: key 'kind' is " + kind + ", expected \"" + Sweep.KIND + "\"", null);
            }
            JsonNode v = tree.get("schema_version");
            if (v == null || !v.canConvertToExactIntegral() || v.asInt() != RunResult.SCHEMA_VERSION) {
                throw new ResultFormatException(source + ": unsupported schema_version " + v
                    + " (this gclab reads schema_version " + RunResult.SCHEMA_VERSION + ")", null);
            }
            require(tree, Sweep.REQUIRED_KEYS, source, "");
            array(tree, "collectors", source);
            array(tree, "points", source);
            JsonNode collectors = tree.get("collectors");
            for (int i = 0; i < collectors.size(); i++) require(collectors.get(i), Sweep.COLLECTOR_KEYS, source, "collectors[" + i + "]");
            JsonNode points = tree.get("points");
            for (int i = 0; i < points.size(); i++) {
                String at = "points[" + i + "]";
                JsonNode p = points.get(i);
                require(p, Sweep.POINT_KEYS, source, at);
                boolean completed = p.get("completed").asBoolean(false);
                JsonNode result = p.get("result");
                if (completed) {
                    if (!result.isObject()) throw new ResultFormatException(source + ": " + at + ": completed, but 'result' is " + result.getNodeType().toString().toLowerCase(Locale.ROOT) + ", not a run result", null);
                    JsonNode sv = result.get("schema_version");
                    if (sv == null || !sv.canConvertToExactIntegral() || sv.asInt() != RunResult.SCHEMA_VERSION) {
                        throw new ResultFormatException(source + ": " + at + ".result: unsupported schema_version " + sv
                            + " (this gclab reads schema_version " + RunResult.SCHEMA_VERSION + ")", null);
                    }
                    require(result, RunResult.REQUIRED_KEYS, source, at + ".result");
                    try {
                        ResultJson.MAPPER.treeToValue(result, RunResult.class); // as strict as a run's file
                    } catch (JsonMappingException e) {
                        String message = ResultJson.plain(e.getOriginalMessage());
                        String path = ResultJson.path(e);
                        throw new ResultFormatException(source + ": key " + at + ".result" + (path.isEmpty() ? "" : "." + path) + ": " + message, e);
                    }
                } else if (!p.get("failure").isObject()) {
                    throw new ResultFormatException(source + ": " + at + ": not completed, but 'failure' does not say why", null);
                }
            }
            Sweep s = ResultJson.MAPPER.readValue(json, Sweep.class);
            ResultJson.rejectNulls(json, source, path -> path.matches("collectors\\[\\d+]\\.(min_heap_bytes|probes\\[\\d+]\\.failure)|points\\[\\d+]\\.(failure|result)"));
            for (int i = 0; i < s.points().size(); i++) {
                Sweep.Point p = s.points().get(i);
                if (s.collectors().stream().noneMatch(c -> c.label().equals(p.label()))) {
                    throw new ResultFormatException(source + ": points[" + i + "]: label '" + p.label() + "' is none of the collectors' labels", null);
                }
            }
            return s;
        } catch (JsonMappingException e) {
            String message = ResultJson.plain(e.getOriginalMessage());
            String path = ResultJson.path(e);
            boolean named = !path.isEmpty() && message.contains("key '" + path + "'");
            throw new ResultFormatException(source + ": " + ResultJson.where(e) + (path.isEmpty() || named ? "" : ", key " + path) + ": " + message, e);
        } catch (JsonProcessingException e) {
            throw new ResultFormatException(source + ": malformed JSON " + ResultJson.where(e) + ": " + e.getOriginalMessage(), e);
        }
    }

    private static void require(JsonNode node, List<String> keys, String source, String at) {
        if (node == null || !node.isObject()) throw new ResultFormatException(source + ": " + at + ": expected an object", null);
        for (String key : keys) {
            if (!node.has(key)) throw new ResultFormatException(source + ": " + (at.isEmpty() ? "" : at + ": ") + "missing key '" + key + "'", null);
        }
    }

    private static void array(JsonNode tree, String key, String source) {
        if (!tree.get(key).isArray()) throw new ResultFormatException(source + ": key '" + key + "' must be an array", null);
    }
}
