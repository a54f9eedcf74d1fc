package dev.gclab.reports.export;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;

/**
 * {@code --jfr FILE}: a JFR recording of one run, started just before the heap is built and dumped to the
 * file when the run ends (also when it fails). JFR's "default" settings (the JVM's own GC, allocation,
 * CPU, thread events: what JDK Mission Control shows for any program) plus gclab's events
 * {@code dev.gclab.GcPause} and {@code dev.gclab.GcPhase} ({@link dev.gclab.gc.stats.JfrEvents}).
 */
public final class JfrFile implements AutoCloseable {
    private final Recording recording;
    private final Path file;

    private JfrFile(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /** Starts a recording that {@link #close()} writes to {@code file}. */
    public static JfrFile start(Path file) throws IOException {
        Configuration c;
        try {
            c = Configuration.getConfiguration("default");
        } catch (ParseException e) {
            throw new IOException("JFR's default configuration cannot be read: " + e.getMessage(), e);
        }
        Recording r = new Recording(c);
        r.setName("gclab");
        r.enable("dev.gclab.GcPause");
        r.enable("dev.gclab.GcPhase");
        r.start();
        return new JfrFile(r, file);
    }

    /** Stops the recording and writes it (parent directories are created). */
    @Override
    public void close() throws IOException {
        try {
            recording.stop();
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            recording.dump(file);
        } finally {
            recording.close();
        }
    }
}
