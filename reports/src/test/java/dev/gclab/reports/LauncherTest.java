package dev.gclab.reports;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code gclab} launcher script (issue 8, items 1 and 5), run as a process on a copy of itself in a
 * temporary project root. Builds use a fake {@code mvn} first on {@code PATH} that logs each build,
 * writes the jar it is asked for (first a partial one), and, when told, waits for a line on its
 * standard input before completing, so the test decides when a build ends; a fake JDK whose
 * {@code java} prints the jar it runs. Nothing here waits for time to pass: the test reads the
 * launchers' output to know where they are.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a guard against a hung launcher, not a timing check
class LauncherTest {
    private static final Path LAUNCHER = Path.of(System.getProperty("gclab.root", "..")).resolve("gclab");

    @TempDir Path root;
    @TempDir Path tools;
    private final List<Process> started = new ArrayList<>();

    private static final String FAKE_MVN = """
        #!/bin/sh
        # fake mvn: logs the build, writes the jar asked for (-Dgclab.cli.out / -Dgclab.bench.out, or Maven's own
        # path for a launcher that passes none), partial first; with FAKE_MVN_WAIT it completes after a line on stdin
        echo "build $*" >> "$FAKE_BUILD_LOG"
        out=""
        for a in "$@"; do case "$a" in -Dgclab.cli.out=*|-Dgclab.bench.out=*) out="${a#*=}";; esac; done
        if [ -z "$out" ]; then
          case " $* " in *" benchmarks "*) out=benchmarks/target/benchmarks.jar;; *) out=reports/target/gclab-cli.jar;; esac
        fi
        mkdir -p "$(dirname "$out")"
        printf 'partial' > "$out"
        echo "fake mvn: building $out" >&2
        if [ -n "$FAKE_MVN_WAIT" ]; then read -r line || true; fi
        printf 'jar built by %s\\n' "$$" > "$out"
        """;

    private static final String FAKE_JAVA = """
        #!/bin/sh
        # fake java: prints the content of the jar it is to run; with FAKE_JAVA_WAIT it exits after a line on stdin
        jar=""; prev=""
        for a in "$@"; do [ "$prev" = "-jar" ] && jar="$a"; prev="$a"; done
        if [ ! -f "$jar" ]; then echo "Error: Unable to access jarfile $jar" >&2; exit 1; fi
        echo "fake java ran $(cat "$jar")"
        if [ -n "$FAKE_JAVA_WAIT" ]; then read -r line || true; fi
        """;

    @BeforeEach
    void project() throws IOException {
        Files.copy(LAUNCHER, root.resolve("gclab"));
        executable(root.resolve("gclab"));
        Files.createDirectories(tools.resolve("bin"));
        Files.createDirectories(tools.resolve("jdk/bin"));
        Files.writeString(tools.resolve("jdk/release"), "JAVA_VERSION=\"25\"\n");
        executable(Files.writeString(tools.resolve("jdk/bin/java"), FAKE_JAVA));
        executable(Files.writeString(tools.resolve("jdk/bin/javac"), "#!/bin/sh\nexit 0\n"));
        executable(Files.writeString(tools.resolve("bin/mvn"), FAKE_MVN));
    }

    private static Path executable(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** Starts {@code ./gclab args} in the temporary root with the fake tools; stdout and stderr are pipes. */
    private Process launch(Map<String, String> extraEnv, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("gclab").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", tools.resolve("jdk").toString());
        env.put("PATH", tools.resolve("bin") + ":" + System.getenv("PATH"));
        env.put("FAKE_BUILD_LOG", tools.resolve("builds.log").toString());
        env.remove("FAKE_MVN_WAIT");
        env.remove("FAKE_JAVA_WAIT");
        env.putAll(extraEnv);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    @org.junit.jupiter.api.AfterEach
    void stopLeftovers() {
        for (Process p : started) if (p.isAlive()) p.destroyForcibly();
    }

    /** Reads lines from {@code in} until one contains any of {@code marks}; returns it (fails at end of stream). */
    private static String readUntil(BufferedReader in, String what, String... marks) throws IOException {
        StringBuilder seen = new StringBuilder();
        for (String line; (line = in.readLine()) != null; ) {
            seen.append(line).append('\n');
            for (String m : marks) if (line.contains(m)) return line;
        }
        throw new AssertionError(what + ": the stream ended before any of " + List.of(marks) + ":\n" + seen);
    }

    private static BufferedReader reader(java.io.InputStream s) {
        return new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8));
    }

    /** Writes a line to the process's standard input (a waiting fake tool continues) and closes it. */
    private static void release(Process p) {
        try (OutputStream in = p.getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the process did not read its input and is gone: nothing to release
        }
    }

    private static String rest(BufferedReader r) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line; (line = r.readLine()) != null; ) sb.append(line).append('\n');
        return sb.toString();
    }

    private List<String> builds() throws IOException {
        Path log = tools.resolve("builds.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private Path jarOf(String command) {
        return command.equals("jmh") ? root.resolve("benchmarks/target/benchmarks.jar") : root.resolve("reports/target/gclab-cli.jar");
    }

    /** Issue 8, item 1: two first runs at once build once, and both run the complete jar. */
    @ParameterizedTest
    @ValueSource(strings = {"list", "jmh"})
    void twoFirstLaunchesAtOnceBuildOnceAndBothRun(String command) throws Exception {
        Process a = launch(Map.of("FAKE_MVN_WAIT", "1"), command);
        BufferedReader aErr = reader(a.getErrorStream());
        readUntil(aErr, "first launcher", "fake mvn: building");           // a holds the build, unfinished
        Process b = launch(Map.of("FAKE_MVN_WAIT", "1"), command);
        BufferedReader bErr = reader(b.getErrorStream());
        String bLine = readUntil(bErr, "second launcher", "waiting for another gclab build", "fake mvn: building");
        release(a);
        release(b);
        String aOut = new String(a.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String bOut = new String(b.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String aRest = rest(aErr), bRest = rest(bErr);
        assertEquals(0, a.waitFor(), "first:\n" + aOut + aRest);
        assertEquals(0, b.waitFor(), "second:\n" + bOut + bRest);
        assertTrue(bLine.contains("waiting for another gclab build"), "the second launcher waits for the first one's build: " + bLine);
        assertEquals(1, builds().size(), "one build: " + builds());
        String jar = Files.readString(jarOf(command));
        assertTrue(jar.startsWith("jar built by "), jar);
        assertEquals("fake java ran " + jar, aOut);
        assertEquals("fake java ran " + jar, bOut);
        try (Stream<Path> files = Files.list(jarOf(command).getParent())) {
            assertEquals(List.of(jarOf(command).getFileName().toString()), files.map(p -> p.getFileName().toString()).toList(),
                "no temporary jar is left");
        }
    }

    /** Issue 8, item 1: a rebuild leaves the old jar in place until the new one is complete, then renames it in. */
    @ParameterizedTest
    @ValueSource(strings = {"list", "jmh"})
    void aRebuildKeepsTheOldJarUntilTheNewOneIsComplete(String command) throws Exception {
        Path jar = jarOf(command);
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "old jar\n");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Path source = root.resolve("reports/src/main/java/X.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class X {}\n");
        Process a = launch(Map.of("FAKE_MVN_WAIT", "1"), command);
        BufferedReader aErr = reader(a.getErrorStream());
        readUntil(aErr, "launcher", "fake mvn: building");
        assertEquals("old jar\n", Files.readString(jar), "while the build runs, the jar in place is the old, complete one");
        release(a);
        String out = new String(a.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, a.waitFor(), out + rest(aErr));
        assertTrue(Files.readString(jar).startsWith("jar built by "), Files.readString(jar));
        assertEquals("fake java ran " + Files.readString(jar), out);
    }

    /** The lock is released before the CLI starts: a running gclab does not block the next build. */
    @Test
    void aRunningCliDoesNotHoldTheBuildLock() throws Exception {
        Process a = launch(Map.of("FAKE_JAVA_WAIT", "1"), "list");
        BufferedReader aOut = reader(a.getInputStream());
        readUntil(aOut, "first launcher", "fake java ran");                  // built, and its CLI is running
        Path jar = jarOf("list");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Path source = root.resolve("reports/src/main/java/X.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class X {}\n");
        Process b = launch(Map.of(), "list");
        BufferedReader bErr = reader(b.getErrorStream());
        String bLine = readUntil(bErr, "second launcher", "waiting for another gclab build", "fake mvn: building");
        assertTrue(bLine.contains("fake mvn: building"), "the second launcher builds at once: " + bLine);
        String bOut = new String(b.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, b.waitFor(), bOut + rest(bErr));
        release(a);
        assertEquals(0, a.waitFor());
        assertEquals(2, builds().size(), builds()::toString);
    }

    /**
     * Issue 8, item 5: {@code ./gclab test > file 2>&1} ends with the summary line, byte for byte,
     * and holds no terminal escape codes. This one runs the real Maven (on a one-pom project: a couple
     * of seconds), because the escape codes are Maven's.
     */
    @Test
    void theTestSummaryIsThePlainLastLine() throws Exception {
        Path mvn = Stream.of(System.getenv("PATH").split(":")).map(d -> Path.of(d, "mvn")).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(mvn != null, "no mvn on PATH");
        Files.writeString(root.resolve("pom.xml"), """
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>dev.gclab.test</groupId>
              <artifactId>empty</artifactId>
              <version>1</version>
              <packaging>pom</packaging>
            </project>
            """);
        Path log = root.resolve("test.log");
        ProcessBuilder pb = new ProcessBuilder(root.resolve("gclab").toString(), "test", "-o").directory(root.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_PROJECTBASEDIR");
        Process p = pb.start();
        started.add(p);
        int code = p.waitFor();
        byte[] bytes = Files.readAllBytes(log);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.endsWith("\n"), text);
        String[] lines = text.split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$"), "last line: '" + last.replace("\u001b", "ESC") + "'");
        assertFalse(text.contains("\u001b"), "no escape codes anywhere:\n" + text.replace("\u001b", "ESC"));
        assertTrue(text.contains("BUILD SUCCESS"), text);
    }
}
