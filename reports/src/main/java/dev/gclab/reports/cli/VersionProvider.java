package dev.gclab.reports.cli;

import dev.gclab.reports.GclabVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: gclab's version and the JDK it runs on. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "gclab " + GclabVersion.get(),
            "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", " + System.getProperty("java.home") + ")"
        };
    }
}
