package dev.gclab.reports.export;

import java.nio.file.Path;

/**
 * Where {@code compare} writes a file that exists once per collector (its JFR recordings, which its
 * child JVMs make): beside the file given, the entry's label inserted before the extension, with
 * {@code :} as {@code -} and every character other than letters, digits and {@code . _ - = , +} as
 * {@code _}: {@code --jfr out/cmp.jfr} with {@code -c marksweep,rc:counts=header} writes
 * {@code out/cmp-marksweep.jfr} and {@code out/cmp-rc-counts=header.jfr}.
 */
public final class PerRunFiles {
    private PerRunFiles() {}

    public static Path forLabel(Path file, String label) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        String safe = label.replace(':', '-').replaceAll("[^A-Za-z0-9._=,+-]", "_");
        return file.resolveSibling(stem + "-" + safe + ext);
    }
}
