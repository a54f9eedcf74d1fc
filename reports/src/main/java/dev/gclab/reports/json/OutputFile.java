package dev.gclab.reports.json;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a result file can be written, checked before the work whose result it is to hold starts. */
public final class OutputFile {
    private OutputFile() {}

    /**
     * What keeps {@code file} from being written, or null: it must not be a directory and, if it
     * exists, must be writable; otherwise its nearest existing ancestor must be a writable directory
     * (the missing ones are created when writing). Nothing is created here.
     */
    public static String problem(Path file) {
        if (file.toString().isBlank()) return "the file name is empty";
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) return "'" + file + "' is a directory; give a file name, e.g. " + file.resolve("result.json");
        if (Files.exists(abs)) return Files.isWritable(abs) ? null : "'" + file + "' is not writable";
        Path dir = abs.getParent();
        while (dir != null && !Files.exists(dir)) dir = dir.getParent();
        if (dir == null) return "cannot create '" + file + "': no existing parent directory";
        if (!Files.isDirectory(dir)) return "cannot create '" + file + "': " + dir + " is not a directory";
        if (!Files.isWritable(dir)) return "cannot create '" + file + "': directory " + dir + " is not writable";
        return null;
    }
}
