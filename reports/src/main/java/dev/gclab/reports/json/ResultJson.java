package dev.gclab.reports.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gclab.reports.runner.RunResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes and reads {@link RunResult}s as JSON: snake_case keys in record-component order, pretty
 * printed. Reading is strict about what schema 1 requires (every key present, right types, no
 * nulls, {@code schema_version} = 1) and lenient about extra keys (later compatible additions).
 * Every read failure is a {@link ResultFormatException} naming the line, column and offset (syntax)
 * or the key path (types, missing keys) and what was expected.
 */
public final class ResultJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES) // checked against REQUIRED_KEYS instead
        .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();

    private ResultJson() {}

    public static String toJson(RunResult r) {
        try {
            return MAPPER.writeValueAsString(r) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a result: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@code r} to {@code file}, creating missing parent directories. */
    public static void write(RunResult r, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toJson(r), StandardCharsets.UTF_8);
    }

    public static RunResult read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    public static RunResult parse(String json) { return parse(json, "<string>"); }

    /** @param source names the input in error messages (a file name) */
    public static RunResult parse(String json, String source) {
        try {
            JsonNode tree = MAPPER.readTree(json);  // syntax first: locations are exact here
            if (tree == null || !tree.isObject()) {
                throw new ResultFormatException(source + ": expected a JSON object (a gclab result), found "
                    + (tree == null || tree.isMissingNode() ? "no content" : tree.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)), null);
            }
            JsonNode v = tree.get("schema_version");
            if (v == null || !v.canConvertToExactIntegral() || v.asInt() != RunResult.SCHEMA_VERSION) {
                throw new ResultFormatException(source + ": unsupported schema_version " + v
                    + " (this gclab reads schema_version " + RunResult.SCHEMA_VERSION + ")", null);
            }
            for (String key : RunResult.REQUIRED_KEYS) {
                if (!tree.has(key)) throw new ResultFormatException(source + ": " + endOf(json) + ": missing key '" + key + "'", null);
            }
            return MAPPER.readValue(json, RunResult.class);
        } catch (JsonMappingException e) {
            String message = plain(e.getOriginalMessage());
            String path = path(e);
            boolean named = !path.isEmpty() && message.contains("key '" + path + "'");
            throw new ResultFormatException(source + ": " + where(e) + (path.isEmpty() || named ? "" : ", key " + path) + ": " + message, e);
        } catch (JsonProcessingException e) {
            throw new ResultFormatException(source + ": malformed JSON " + where(e) + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The position after the last character, as {@link #where} words it (a missing key is noticed there). */
    static String endOf(String json) {
        int line = 1, col = 1;
        for (int i = 0; i < json.length(); i++) {
            if (json.charAt(i) == '\n') { line++; col = 1; } else col++;
        }
        return "at line " + line + ", column " + col + " (offset " + json.length() + ")";
    }

    static String where(JsonProcessingException e) {
        JsonLocation l = e.getLocation();
        if (l == null) return "(location unknown)";
        long offset = l.getCharOffset() >= 0 ? l.getCharOffset() : l.getByteOffset();
        return "at line " + l.getLineNr() + ", column " + l.getColumnNr() + " (offset " + offset + ")";
    }

    /** Jackson's message without its configuration hints, in the words of a result file. */
    static String plain(String message) {
        return message
            .replaceAll("Missing creator property '([^']*)' \\(index \\d+\\)", "missing key '$1'")
            .replaceAll("Null value for creator property '([^']*)' \\(index \\d+\\)", "null value for key '$1'")
            .replaceAll(";? *`?DeserializationFeature\\.\\w+`? enabled", "")
            .replaceAll(" *\\(set DeserializationConfig\\.DeserializationFeature\\.\\w+ to 'false' to allow\\)", "");
    }

    /** The key path of a mapping error, e.g. {@code pauses.p50_ns}. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            else if (r.getIndex() >= 0) sb.append('[').append(r.getIndex()).append(']');
        }
        return sb.toString();
    }
}
