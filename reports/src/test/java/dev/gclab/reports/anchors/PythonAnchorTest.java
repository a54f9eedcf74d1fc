package dev.gclab.reports.anchors;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.reports.runner.ChildJvm;
import dev.gclab.workloads.graph.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

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
    void gclabSideMeasuresSmallGraphsOnEveryCollector() {
        for (CollectorProvider p : CollectorRegistry.all()) {
            GclabGraphs.Timing cyc = GclabGraphs.collect(p.name(), Shape.CYC10, 1000, 1);
            assertEquals(1000, cyc.objects(), p.name());
            assertTrue(cyc.medianNs() > 0, p.name());
            assertEquals(1001, GclabGraphs.collect(p.name(), Shape.RANDOM, 1000, 1).objects(), p.name());
            if (p.constraints().needsRefCounts()) assertEquals(1023, GclabGraphs.dropTree(p.name(), 1000, 1).objects(), p.name());
            if (p.constraints().generational()) assertEquals(700, GclabGraphs.young(p.name(), 1000, 3).objects(), p.name());
        }
    }

    /** The child JVM prints the Python script's format: a collector with counts and generations gives all three kinds. */
    @Test
    void aChildJvmMeasuresOneCollector() {
        CollectorProvider p = CollectorRegistry.all().stream().filter(c -> c.constraints().needsRefCounts() && c.constraints().generational())
            .findFirst().orElse(CollectorRegistry.all().get(0));
        AnchorJson.PyOutput o = GclabGraphs.inChild(p.name(), 2000, 1, 3, List.of("cyc2", "tree"), line -> { });
        assertNull(o.version());
        assertEquals(2000, o.find("collect", "cyc2").objects());
        assertEquals(2047, o.find("collect", "tree").objects());
        assertEquals(p.constraints().needsRefCounts(), o.find("drop_tree", "tree_td") != null);
        assertEquals(p.constraints().generational(), o.find("young", "random") != null);
    }

    @Test
    void aFailingChildSaysWhy() {
        var e = assertThrows(ChildJvm.ChildRunException.class,
            () -> GclabGraphs.inChild("no-such-collector", 10, 1, 0, List.of("cyc2"), line -> { }));
        assertTrue(e.getMessage().contains("no-such-collector"), e.getMessage());
    }

    @Test
    void medianOfOddAndEven() {
        assertEquals(2.0, GclabGraphs.median(new long[] {3, 1, 2}));
        assertEquals(2.5, GclabGraphs.median(new long[] {4, 1, 3, 2}));
    }
}
