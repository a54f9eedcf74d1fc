package dev.gclab.reports.anchors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs gclab's {@code anchors/cpython_graphs.py} with a given Python command. */
public final class PythonAnchor {
    /** Either the parsed output or the reason the anchor was skipped. */
    public record Outcome(AnchorJson.PyOutput output, String skipped) {
        public static Outcome skip(String why) { return new Outcome(null, why); }
        public boolean ran() { return output != null; }
    }

    private final String python;
    private final Path script;

    public PythonAnchor(String python, Path script) {
        this.python = python;
        this.script = script;
    }

    /** Runs the script at {@code n} nodes, {@code reps} repetitions, no young collections; never throws: failures become a skip. */
    public Outcome run(int n, int reps) { return run(n, reps, 0); }

    /** Runs the script at {@code n} nodes, {@code reps} repetitions, {@code youngIters} young collections; never throws: failures become a skip. */
    public Outcome run(int n, int reps, int youngIters) {
        if (!Files.isRegularFile(script)) return Outcome.skip("script not found: " + script);
        Processes.Result r;
        try {
            r = Processes.run(List.of(python, script.toString(), "--n", Integer.toString(n), "--reps", Integer.toString(reps),
                "--young-iters", Integer.toString(youngIters)));
        } catch (IOException e) {
            return Outcome.skip("'" + python + "' not found or not runnable (" + e.getMessage() + ")");
        }
        if (r.exitCode() != 0) {
            return Outcome.skip("'" + python + "' exited with " + r.exitCode() + ": " + lastLine(r.stderr()));
        }
        try {
            return new Outcome(AnchorJson.parsePython(r.stdout()), null);
        } catch (IllegalArgumentException e) {
            return Outcome.skip("unreadable output from '" + python + "': " + e.getMessage());
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\\R");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
