package dev.gclab.reports.anchors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CPythonSizesTest {
    @TempDir Path dir;

    private Path fake(String body) throws IOException {
        Path p = dir.resolve("fakepy");
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private Path script() throws IOException { return Files.writeString(dir.resolve("cpython_sizes.py"), ""); }

    @Test
    void injectedOutputIsParsed() throws Exception {
        Path py = fake("""
            echo '{"kind": "python", "version": "3.99.0", "implementation": "CPython"}'
            echo '{"kind": "size", "object": "list:2", "type": "list", "sizeof": 56, "getsizeof": 72, "separate_block": 16}'
            """);
        CPythonSizes.Outcome o = CPythonSizes.run(py.toString(), script(), List.of("list:2"));
        assertTrue(o.ran(), o.skipped());
        assertEquals("CPython 3.99.0", o.version());
        assertEquals(new CPythonSizes.Size("list", 56, 72, 16), o.size("list:2"));
        assertEquals(16, o.size("list:2").gcHeader());
    }

    @Test
    void malformedOutputIsASkipNamingTheLine() throws Exception {
        Path py = fake("""
            echo '{"kind": "python", "version": "3.99.0"}'
            echo '{"kind": "size", "object": "list:2", "sizeof": 56,'
            """);
        CPythonSizes.Outcome o = CPythonSizes.run(py.toString(), script(), List.of("list:2"));
        assertFalse(o.ran());
        assertTrue(o.skipped().contains("line 2 is not valid JSON"), o.skipped());
    }

    @Test
    void missingInterpreterOrFailureIsASkip() throws Exception {
        CPythonSizes.Outcome o = CPythonSizes.run(dir.resolve("no-python3").toString(), script(), List.of("list:2"));
        assertTrue(o.skipped().contains("no-python3") && o.skipped().contains("not found"), o.skipped());
        o = CPythonSizes.run(fake("echo 'ValueError: boom' >&2\nexit 2\n").toString(), script(), List.of("list:2"));
        assertTrue(o.skipped().contains("exited with 2: ValueError: boom"), o.skipped());
        o = CPythonSizes.run("python3", dir.resolve("absent.py"), List.of("list:2"));
        assertTrue(o.skipped().startsWith("script not found"), o.skipped());
    }

    /** The real script, when python3 is here: properties of CPython's layout that hold on every 64-bit version. */
    @Test
    void realScript() {
        Path script = Path.of(System.getProperty("gclab.root", "..")).resolve("anchors").resolve("cpython_sizes.py");
        assumeTrue(Files.isRegularFile(script), "no " + script);
        List<String> objects = List.of("tuple:2", "list:2", "list:10", "bytes:100", "slots:2", "slots:4");
        CPythonSizes.Outcome o = CPythonSizes.run("python3", script, objects);
        assumeTrue(o.ran(), "python3 not usable: " + o.skipped());
        assertTrue(o.version().startsWith("CPython 3.") || !o.version().startsWith("CPython"), o.version());
        assertEquals(0, o.size("bytes:100").gcHeader(), "bytes are not tracked by the cyclic GC");
        assertTrue(o.size("tuple:2").gcHeader() > 0, "tuples are");
        assertEquals(2 * 8, o.size("list:2").separateBlock(), "a list's item array: one pointer per item");
        assertEquals(10 * 8, o.size("list:10").separateBlock());
        assertEquals(2 * 8, o.size("slots:4").sizeof() - o.size("slots:2").sizeof(), "a slot is a pointer");
        assertTrue(o.size("bytes:100").sizeof() > 100);
    }
}
