package dev.gclab.reports.anchors;

import dev.gclab.workloads.graph.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.*;

class PythonAnchorTest {
    @TempDir Path dir;

    @Test
    void missingPythonIsASkipWithAReason() throws Exception {
        Path script = Files.writeString(dir.resolve("cpython_graphs.py"), "print('x')\n");
        PythonAnchor.Outcome o = new PythonAnchor(dir.resolve("no-such-python3").toString(), script).run(1000, 1);
        assertFalse(o.ran());
        assertTrue(o.skipped().contains("no-such-python3") && o.skipped().contains("not found"), o.skipped());
    }

    @Test
    void missingScriptIsASkip() {
        PythonAnchor.Outcome o = new PythonAnchor("python3", dir.resolve("absent.py")).run(1000, 1);
        assertFalse(o.ran());
        assertTrue(o.skipped().startsWith("script not found"), o.skipped());
    }

    @Test
    void injectedInterpreterOutputIsParsed() throws Exception {
        Path fake = dir.resolve("fakepy");
        Files.writeString(fake, """
            #!/bin/sh
            echo '{"kind": "python", "version": "3.99.0"}'
            echo '{"kind": "collect", "shape": "cyc2", "n": 10, "objects": 10, "median_ns": 500}'
            """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path script = Files.writeString(dir.resolve("cpython_graphs.py"), "");
        PythonAnchor.Outcome o = new PythonAnchor(fake.toString(), script).run(10, 1);
        assertTrue(o.ran(), o.skipped());
        assertEquals("3.99.0", o.output().version());
        assertEquals(50.0, o.output().find("collect", "cyc2").nsPerObject(), 1e-9);
    }

    @Test
    void failingInterpreterIsASkip() throws Exception {
        Path fake = dir.resolve("failpy");
        Files.writeString(fake, "#!/bin/sh\necho 'SyntaxError: boom' >&2\nexit 3\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path script = Files.writeString(dir.resolve("cpython_graphs.py"), "");
        PythonAnchor.Outcome o = new PythonAnchor(fake.toString(), script).run(10, 1);
        assertFalse(o.ran());
        assertTrue(o.skipped().contains("exited with 3") && o.skipped().contains("SyntaxError: boom"), o.skipped());
    }

    @Test
    void gclabSideMeasuresSmallGraphs() {
        GclabGraphs.Timing rc = GclabGraphs.collect("rc", Shape.CYC10, 1000, 1);
        assertEquals(1000, rc.objects());
        assertTrue(rc.medianNs() > 0);
        GclabGraphs.Timing ms = GclabGraphs.collect("marksweep", Shape.RANDOM, 1000, 1);
        assertEquals(1001, ms.objects());
        GclabGraphs.Timing drop = GclabGraphs.dropTree(1000, 1);
        assertEquals(1023, drop.objects());
    }

    @Test
    void medianOfOddAndEven() {
        assertEquals(2.0, GclabGraphs.median(new long[] {3, 1, 2}));
        assertEquals(2.5, GclabGraphs.median(new long[] {4, 1, 3, 2}));
    }
}
