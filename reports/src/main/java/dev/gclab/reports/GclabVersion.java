package dev.gclab.reports;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** gclab's own version, from {@code gclab.properties} (filled in by Maven resource filtering). */
public final class GclabVersion {
    private static final String VERSION = load();

    private GclabVersion() {}

    /** e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the resource was not filtered (run from an IDE). */
    public static String get() { return VERSION; }

    private static String load() {
        try (InputStream in = GclabVersion.class.getResourceAsStream("gclab.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown").trim();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
