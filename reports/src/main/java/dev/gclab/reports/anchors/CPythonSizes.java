package dev.gclab.reports.anchors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPython's side of the layout table: runs {@code anchors/cpython_sizes.py} (stdlib only) with the
 * object tokens wanted ({@code slots:K}, {@code list:K}, {@code tuple:K}, {@code array_d:K},
 * {@code bytes:K}, {@code bytearray:K}) and reads its JSON lines with {@link SizeJson}. As with
 * {@link PythonAnchor}, a missing interpreter or script, a failure or unreadable output becomes a
 * skip with the reason, never an exception.
 */
public final class CPythonSizes {
    /** One object: {@code __sizeof__}, {@code sys.getsizeof} and the part of {@code __sizeof__} in a separate block. */
    public record Size(String type, long sizeof, long getsizeof, long separateBlock) {
        /** The GC header CPython puts before objects its cyclic collector tracks (0 for the others). */
        public long gcHeader() { return getsizeof - sizeof; }
    }

    /** Either the version and sizes, or why CPython was skipped. */
    public record Outcome(String version, SizeJson.Output output, String skipped) {
        static Outcome skip(String why) { return new Outcome(null, null, why); }
        public boolean ran() { return output != null; }
        public Size size(String object) {
            var n = output.size(object);
            return new Size(n.path("type").asText("?"), n.get("sizeof").asLong(), n.get("getsizeof").asLong(), n.get("separate_block").asLong());
        }
    }

    private CPythonSizes() {}

    /** Runs {@code script} with {@code python} for {@code objects}; never throws. */
    public static Outcome run(String python, Path script, List<String> objects) {
        if (!Files.isRegularFile(script)) return Outcome.skip("script not found: " + script);
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(objects);
        Processes.Result r;
        try {
            r = Processes.run(cmd);
        } catch (IOException e) {
            return Outcome.skip("'" + python + "' not found or not runnable (" + e.getMessage() + ")");
        }
        if (r.exitCode() != 0) {
            String[] err = r.stderr().strip().split("\\R");
            return Outcome.skip("'" + python + "' exited with " + r.exitCode() + ": " + err[err.length - 1]);
        }
        return parse(r.stdout(), "'" + python + " " + script.getFileName() + "'", objects);
    }

    /** Parses the script's output; malformed output becomes a skip naming the line. */
    static Outcome parse(String stdout, String source, List<String> objects) {
        try {
            SizeJson.Output o = SizeJson.parse(stdout, source, "python", objects, List.of("sizeof", "getsizeof", "separate_block"));
            String impl = o.info().path("implementation").asText("Python");
            return new Outcome(impl + " " + o.info().path("version").asText("?"), o, null);
        } catch (IllegalArgumentException e) {
            return Outcome.skip("unreadable output: " + e.getMessage());
        }
    }
}
