package dev.gclab.reports.text;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain progress lines (off a terminal, under CI): phase, done/total, elapsed, ETA; nothing when off. */
class ProgressTest {
    @Test
    void plainLinesSayThePhaseTheStepsTheTimeAndWhatFinished() {
        StringWriter w = new StringWriter();
        try (Progress p = Progress.of("sweep", Progress.Mode.PLAIN, new PrintWriter(w))) {
            p.phase("minimum heap", 10, true);
            p.step("marksweep at 16 MiB completed");
            p.total(4, false);
            p.step(null);
        }
        String[] lines = w.toString().split("\n");
        assertEquals(2, lines.length, w::toString);
        assertTrue(lines[0].matches("sweep \\[minimum heap] 1/~10, elapsed 0:00:\\d\\d, ETA ~\\d:\\d\\d:\\d\\d: marksweep at 16 MiB completed"), lines[0]);
        assertTrue(lines[1].matches("sweep \\[minimum heap] 2/4, elapsed 0:00:\\d\\d, ETA \\d:\\d\\d:\\d\\d"), lines[1]);
        StringWriter none = new StringWriter();
        try (Progress p = Progress.of("x", Progress.Mode.OFF, new PrintWriter(none))) {
            p.phase("y", 2, false);
            p.step("z");
        }
        assertEquals("", none.toString());
        assertEquals("1:02:05", Progress.clock(3_725_000_000_000L));
    }
}
