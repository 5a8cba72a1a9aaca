package dev.triage.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.config.TriageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the one the code defines. */
class ReadmeTest {
    @Test
    void configurationTableMatchesTheCode() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf('\n', readme.indexOf("<!-- config-table:start")) + 1;
        int end = readme.indexOf("<!-- config-table:end");
        assertThat(start).isPositive();
        assertThat(end).isGreaterThan(start);
        assertThat(readme.substring(start, end))
                .as("README table out of date: paste the output of 'triage config'")
                .isEqualTo(TriageConfig.markdownTable());
    }
}
