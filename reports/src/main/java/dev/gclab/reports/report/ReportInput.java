package dev.gclab.reports.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gclab.reports.json.ComparisonJson;
import dev.gclab.reports.json.ResultFormatException;
import dev.gclab.reports.json.ResultJson;
import dev.gclab.reports.json.SweepJson;
import dev.gclab.reports.runner.RunResult;
import dev.gclab.reports.sweep.Sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One input file of {@code gclab report}: a run's result, a comparison or a sweep, told apart by their
 * keys ({@code kind: gclab-sweep}, {@code comparison}, {@code collector}) and read by the reader of that
 * kind, with its strictness. Anything else (another gclab file such as a {@code bench --json} file, any
 * other JSON, malformed JSON) is refused with a {@link ResultFormatException} naming the file and the
 * first problem.
 *
 * @param runs    every completed run of the file, with its label ({@code name:key=value})
 * @param command the command line that made the file (a comparison's or a sweep's own; for a run, the
 *                run's reproduction command), or null for files written before it was recorded
 */
public record ReportInput(Path file, String kind, String command, List<RunResult> runs, Sweep sweep) {
    static final String RUN = "run", COMPARE = "compare", SWEEP = "sweep";

    public static ReportInput read(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ResultFormatException(file + ": no such file", e);
        } catch (IOException e) {
            throw new ResultFormatException(file + ": cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        String source = file.toString();
        JsonNode tree;
        try {
            tree = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            // let the run reader word the syntax error, with its position
            ResultJson.parse(json, source);
            throw new ResultFormatException(source + ": malformed JSON", e);
        }
        if (tree == null || !tree.isObject()) {
            throw new ResultFormatException(source + ": not a gclab run, compare or sweep result: expected a JSON object, found "
                + (tree == null || tree.isMissingNode() ? "no content" : tree.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)), null);
        }
        JsonNode kind = tree.get("kind");
        if (kind != null && kind.isTextual() && kind.asText().equals(Sweep.KIND)) {
            Sweep s = SweepJson.parse(tree, json, source);
            List<RunResult> runs = new ArrayList<>();
            for (Sweep.Point p : s.points()) if (p.completed()) runs.add(p.result());
            return new ReportInput(file, SWEEP, s.command(), runs, s);
        }
        if (kind != null) {
            throw new ResultFormatException(source + ": not a gclab run, compare or sweep result: its 'kind' is " + kind
                + (kind.asText().equals("gclab-bench") ? " (a 'gclab bench --json' file)" : ""), null);
        }
        if (tree.has("comparison")) {
            ComparisonJson.Comparison c = ComparisonJson.parse(json, source);
            return new ReportInput(file, COMPARE, c.command(), c.comparison(), null);
        }
        if (tree.has("collector")) {
            RunResult r = ResultJson.parse(json, source);
            return new ReportInput(file, RUN, r.command(), List.of(r), null);
        }
        throw new ResultFormatException(source + ": not a gclab run, compare or sweep result: it has none of the keys "
            + "'collector' (a run), 'comparison' (a comparison) or 'kind' (a sweep)", null);
    }
}
