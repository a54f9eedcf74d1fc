package dev.gclab.gc.stats;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GcStats commits gclab's JFR events for pauses and phases while a recording has them enabled, and only then. */
class JfrEventsTest {
    @Test
    void pausesAndPhasesBecomeJfrEventsWithTheirRecordedTimes(@TempDir Path dir) throws Exception {
        GcStats outside = new GcStats();
        long b = System.nanoTime();
        outside.recordPause(PauseKind.MAJOR, b - 1000, b); // no recording: nothing to commit, nothing fails

        Path file = dir.resolve("gc.jfr");
        GcStats stats = new GcStats();
        try (Recording r = new Recording()) {
            r.enable("dev.gclab.GcPause");
            r.enable("dev.gclab.GcPhase");
            r.start();
            long t0 = System.nanoTime();
            stats.recordPhase(Phase.MARK, t0, t0 + 4_000);
            stats.recordPhase(Phase.SWEEP, t0 + 4_000, t0 + 9_000);
            stats.recordPause(PauseKind.MAJOR, t0, t0 + 10_000);
            stats.startPause();
            long t1 = System.nanoTime();
            stats.recordPause(PauseKind.MINOR, t1, t1 + 2_500);
            r.stop();
            r.dump(file);
        }
        // Other test classes collect on other threads at the same time (the differential and stress suites run
        // concurrently), and a recording sees every thread's events: keep this thread's.
        long me = Thread.currentThread().threadId();
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getThread() != null && e.getThread().getJavaThreadId() == me).toList();
        List<RecordedEvent> pauses = events.stream().filter(e -> e.getEventType().getName().equals("dev.gclab.GcPause")).toList();
        List<RecordedEvent> phases = events.stream().filter(e -> e.getEventType().getName().equals("dev.gclab.GcPhase")).toList();
        assertEquals(2, pauses.size(), events::toString);
        assertEquals(2, phases.size(), events::toString);
        assertEquals("major", pauses.get(0).getString("kind"));
        assertEquals(Duration.ofNanos(10_000), pauses.get(0).getDuration("pauseDuration"));
        assertEquals(stats.timeline().start(0), pauses.get(0).getDuration("pauseStart").toNanos());
        assertEquals("minor", pauses.get(1).getString("kind"));
        assertTrue(!pauses.get(1).getDuration().isNegative(), "startPause gives the event a JFR duration of its own");
        assertEquals("mark", phases.get(0).getString("phase"));
        assertEquals(Duration.ofNanos(5_000), phases.get(1).getDuration("phaseDuration"));
    }
}
