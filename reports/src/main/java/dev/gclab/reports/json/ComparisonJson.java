package dev.gclab.reports.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gclab.reports.GclabVersion;
import dev.gclab.reports.runner.RunResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The result file of {@code gclab compare}: {@code {"schema_version": 1, "gclab_version": ..., "comparison": [run, ...]}},
 * each run a complete {@link RunResult} exactly as {@link ResultJson} writes one (see "Results schema" in the README).
 * Reading is as strict as {@link ResultJson}'s, and errors name the run's index in the key path
 * ({@code comparison[1].pauses.p50_ns}).
 */
public final class ComparisonJson {
    /** The file's model; {@code comparison} holds the runs in the order they ran. */
    public record Comparison(int schemaVersion, String gclabVersion, List<RunResult> comparison) {
        public Comparison {
            comparison = List.copyOf(comparison);
        }
    }

    private ComparisonJson() {}

    public static String toJson(List<RunResult> runs) {
        try {
            return ResultJson.MAPPER.writeValueAsString(new Comparison(RunResult.SCHEMA_VERSION, GclabVersion.get(), runs)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a comparison: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@code runs} to {@code file}, creating missing parent directories. */
    public static void write(List<RunResult> runs, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toJson(runs), StandardCharsets.UTF_8);
    }

    public static Comparison read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** @param source names the input in error messages (a file name) */
    public static Comparison parse(String json, String source) {
        try {
            JsonNode tree = ResultJson.MAPPER.readTree(json);
            if (tree == null || !tree.isObject()) {
                throw new ResultFormatException(source + ": expected a JSON object (a gclab comparison), found "
                    + (tree == null || tree.isMissingNode() ? "no content" : tree.getNodeType().toString().toLowerCase(Locale.ROOT)), null);
            }
            JsonNode v = tree.get("schema_version");
            if (v == null || !v.canConvertToExactIntegral() || v.asInt() != RunResult.SCHEMA_VERSION) {
                throw new ResultFormatException(source + ": unsupported schema_version " + v
                    + " (this gclab reads schema_version " + RunResult.SCHEMA_VERSION + ")", null);
            }
            JsonNode runs = tree.get("comparison");
            if (runs == null || !runs.isArray()) {
                throw new ResultFormatException(source + ": expected key 'comparison' holding an array of runs"
                    + (tree.has("collector") ? " (this looks like the result of one run: read it with ResultJson)" : ""), null);
            }
            for (int i = 0; i < runs.size(); i++) {
                JsonNode sv = runs.get(i).get("schema_version");
                if (sv == null || !sv.canConvertToExactIntegral() || sv.asInt() != RunResult.SCHEMA_VERSION) {
                    throw new ResultFormatException(source + ": comparison[" + i + "]: unsupported schema_version " + sv
                        + " (this gclab reads schema_version " + RunResult.SCHEMA_VERSION + ")", null);
                }
                for (String key : RunResult.REQUIRED_KEYS) {
                    if (!runs.get(i).has(key)) throw new ResultFormatException(source + ": comparison[" + i + "]: missing key '" + key + "'", null);
                }
            }
            return ResultJson.MAPPER.readValue(json, Comparison.class);
        } catch (JsonMappingException e) {
            String message = ResultJson.plain(e.getOriginalMessage());
            String path = ResultJson.path(e);
            boolean named = !path.isEmpty() && message.contains("key '" + path + "'");
            throw new ResultFormatException(source + ": " + ResultJson.where(e) + (path.isEmpty() || named ? "" : ", key " + path) + ": " + message, e);
        } catch (JsonProcessingException e) {
            throw new ResultFormatException(source + ": malformed JSON " + ResultJson.where(e) + ": " + e.getOriginalMessage(), e);
        }
    }
}
