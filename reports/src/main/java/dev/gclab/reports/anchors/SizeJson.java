package dev.gclab.reports.anchors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the JSON lines of the two layout probes ({@link JolProbe}'s child JVM and
 * {@code anchors/cpython_sizes.py}): one info line ({@code "kind": "vm"} or {@code "python"}) and one
 * {@code "kind": "size"} line per object, keyed by {@code "object"}.
 *
 * <p>Unlike {@link AnchorJson}, which skips what it cannot read, a line that starts with {@code '{'}
 * must be valid JSON here: sizes are few and exact, so a garbled one is an error naming the line,
 * not a silent gap. Lines that do not start with {@code '{'} (JOL's {@code # WARNING} notes, JVM
 * warnings) are ignored.
 */
public final class SizeJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A probe's output: its info line and the size line of every object, by object token. */
    public record Output(JsonNode info, Map<String, JsonNode> sizes) {
        /** The size line of {@code object}; it is there (checked by {@link #parse}). */
        public JsonNode size(String object) { return sizes.get(object); }
    }

    private SizeJson() {}

    /**
     * Parses {@code stdout} of a probe called {@code source}.
     *
     * @param infoKind the kind of the required info line ("vm" or "python")
     * @param expected the objects that must each have a size line with every field in {@code fields}
     * @throws IllegalArgumentException naming the source and line when a line is malformed or
     *         something required is missing
     */
    public static Output parse(String stdout, String source, String infoKind, List<String> expected, List<String> fields) {
        JsonNode info = null;
        Map<String, JsonNode> sizes = new LinkedHashMap<>();
        String[] lines = stdout.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].strip();
            if (!t.startsWith("{")) continue;
            JsonNode n;
            try {
                n = MAPPER.readTree(t);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(source + ": line " + (i + 1) + " is not valid JSON (" + e.getOriginalMessage() + "): " + t);
            }
            String kind = n.path("kind").asText("");
            if (kind.equals(infoKind)) {
                info = n;
            } else if (kind.equals("size")) {
                JsonNode object = n.get("object");
                if (object == null || !object.isTextual()) throw new IllegalArgumentException(source + ": line " + (i + 1) + " lacks \"object\": " + t);
                for (String f : fields) {
                    if (!n.path(f).isIntegralNumber()) {
                        throw new IllegalArgumentException(source + ": line " + (i + 1) + " lacks integer \"" + f + "\": " + t);
                    }
                }
                sizes.put(object.asText(), n);
            }
        }
        if (info == null) throw new IllegalArgumentException(source + ": no \"" + infoKind + "\" line in its output");
        for (String o : expected) {
            if (!sizes.containsKey(o)) throw new IllegalArgumentException(source + ": no size line for '" + o + "'");
        }
        return new Output(info, Map.copyOf(sizes));
    }
}
