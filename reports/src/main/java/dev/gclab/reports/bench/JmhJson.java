package dev.gclab.reports.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads JMH's {@code -rf json} result file: an array of {benchmark, mode, params, primaryMetric, secondaryMetrics}. */
public final class JmhJson {
    private JmhJson() {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static List<JmhResult> read(Path file) throws IOException {
        return parse(MAPPER.readTree(file.toFile()), file.toString());
    }

    public static List<JmhResult> parse(String json) throws IOException {
        return parse(MAPPER.readTree(json), "JMH result");
    }

    private static List<JmhResult> parse(JsonNode root, String what) throws IOException {
        if (root == null || !root.isArray()) throw new IOException(what + ": expected a JSON array of JMH results");
        List<JmhResult> out = new ArrayList<>();
        for (JsonNode r : root) {
            JsonNode primary = r.path("primaryMetric");
            if (!r.path("benchmark").isTextual() || !primary.isObject()) {
                throw new IOException(what + ": a result without benchmark or primaryMetric: " + r);
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = r.path("params").properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
            JsonNode instr = instructions(r.path("secondaryMetrics"));
            out.add(new JmhResult(r.get("benchmark").asText(), r.path("mode").asText(), params,
                number(primary.path("score")), number(primary.path("scoreError")), primary.path("scoreUnit").asText(),
                instr == null ? Double.NaN : number(instr.path("score")),
                instr == null ? Double.NaN : number(instr.path("scoreError"))));
        }
        return out;
    }

    /** perfnorm's instructions per operation: the event {@code instructions} (or {@code instructions:u}, ...). */
    private static JsonNode instructions(JsonNode secondary) {
        if (secondary.has("instructions")) return secondary.get("instructions");
        for (Iterator<Map.Entry<String, JsonNode>> it = secondary.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("instructions:")) return e.getValue();
        }
        return null;
    }

    /** JMH writes NaN as the string "NaN". */
    private static double number(JsonNode n) {
        if (n.isNumber()) return n.asDouble();
        if (n.isTextual()) {
            try {
                return Double.parseDouble(n.asText());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
