package dev.triage.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = TriageCli.class.getPackage().getImplementationVersion();
        return new String[] {"triage " + (v == null ? "dev" : v)};
    }
}
