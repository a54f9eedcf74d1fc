package dev.gclab.reports.anchors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The HotSpot side of the gcbench anchor: compiles gclab's plain-Java {@code anchors/GCBench.java}
 * with the running JDK's {@code javac} into a temporary directory and runs it in child JVMs.
 */
public final class HotSpotGcBench implements AutoCloseable {
    /** Serial GC with gcbench's 256 MiB heap. */
    public static final List<String> SERIAL = List.of("-XX:+UseSerialGC", "-Xmx256m", "-Xms256m");
    /**
     * No GC at all: the mutator alone. The 4 GiB are committed and touched at start-up (outside the
     * timed part) so that first-touch page faults do not count as mutator time.
     */
    public static final List<String> EPSILON = List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+UseEpsilonGC", "-Xmx4g", "-Xms4g",
        "-XX:+AlwaysPreTouch");

    private final Path javaHome;
    private final Path classes;

    private HotSpotGcBench(Path javaHome, Path classes) {
        this.javaHome = javaHome;
        this.classes = classes;
    }

    /**
     * Compiles {@code source}.
     *
     * @throws IOException with a one-line reason when javac is missing or the compilation fails
     */
    public static HotSpotGcBench compile(Path javaHome, Path source) throws IOException {
        if (!Files.isRegularFile(source)) throw new IOException("GCBench source not found: " + source);
        Path javac = javaHome.resolve("bin").resolve("javac");
        if (!Files.isExecutable(javac)) throw new IOException("no javac in " + javaHome);
        Path dir = Files.createTempDirectory("gclab-gcbench");
        Processes.Result r = Processes.run(List.of(javac.toString(), "-d", dir.toString(), source.toString()));
        if (r.exitCode() != 0) throw new IOException("javac failed: " + r.stderr().strip());
        return new HotSpotGcBench(javaHome, dir);
    }

    /** Runs GCBench once in a child JVM with {@code flags}. */
    public AnchorJson.JvmFigure run(List<String> flags) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        cmd.addAll(flags);
        cmd.addAll(List.of("-Xss8m", "-cp", classes.toString(), "GCBench"));
        Processes.Result r = Processes.run(cmd);
        if (r.exitCode() != 0) {
            throw new IOException("child JVM " + flags + " exited with " + r.exitCode() + ": " + r.stderr().strip());
        }
        return AnchorJson.parseGcBench(r.stdout());
    }

    @Override
    public void close() {
        try (Stream<Path> s = Files.walk(classes)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
