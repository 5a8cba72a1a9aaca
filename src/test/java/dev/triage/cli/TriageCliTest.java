package dev.triage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import dev.triage.ops.LogFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

class TriageCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = TriageCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "run", "produce", "tail", "topics", "registry", "config", "model", "model check",
        "bench"})
    void everyCommandHasHelp(String command) {
        String[] args = (command + " --help").split(" ");
        assertThat(run(args)).isZero();
        assertThat(out.toString()).contains("Usage: triage " + command);
    }

    /** Picocli formats help texts with {@link String#format}; a bare '%' makes it print the raw text and a warning. */
    @Test
    void everyHelpTextIsAValidFormatString() {
        assertHelpTextsFormat(TriageCli.commandLine());
    }

    private static void assertHelpTextsFormat(CommandLine cli) {
        List<String> texts = new ArrayList<>(List.of(cli.getCommandSpec().usageMessage().description()));
        cli.getCommandSpec().options().forEach(option -> texts.addAll(List.of(option.description())));
        for (String text : texts) {
            assertThatCode(() -> String.format(text)).as("%s: %s", cli.getCommandName(), text)
                    .doesNotThrowAnyException();
        }
        cli.getSubcommands().values().forEach(TriageCliTest::assertHelpTextsFormat);
    }

    @Test
    void topLevelHelpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("demo", "run", "produce", "topics", "registry", "config", "model");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run("no-such-command")).isEqualTo(2);
        assertThat(run("demo", "--no-such-option")).isEqualTo(2);
        assertThat(run("produce")).isEqualTo(2);
        assertThat(err.toString()).contains("Usage:");
    }

    @Test
    void runtimeFailuresExitWithOneAndOneLineNamingTheCause() {
        assertThat(run("config", "--effective", "-D", "triage.batch.size=0")).isEqualTo(1);
        String[] lines = err.toString().strip().split("\n");
        assertThat(lines).hasSize(1);
        assertThat(lines[0]).startsWith("triage: ").contains("triage.batch.size");
    }

    @Test
    void theLogFormatIsChosenAtStartTextOrJsonAndNothingElse() {
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        try {
            assertThat(run("config", "--effective", "-D", "triage.log.format=json")).isZero();
            assertThat(out.toString()).contains("triage.log.format=json");
            assertThat(((OutputStreamAppender<?>) root.getAppender("STDERR")).getEncoder())
                    .isInstanceOf(JsonEncoder.class);
        } finally {
            LogFormat.TEXT.apply();
        }
        assertThat(((OutputStreamAppender<?>) root.getAppender("STDERR")).getEncoder())
                .isNotInstanceOf(JsonEncoder.class);

        assertThat(run("config", "--effective", "-D", "triage.log.format=xml")).isEqualTo(1);
        String[] lines = err.toString().strip().split("\n");
        assertThat(lines).hasSize(1);
        assertThat(lines[0]).startsWith("triage: ").contains("triage.log.format").contains("xml");
    }

    @Test
    void theEffectiveConfigurationShowsEveryTriageSettingInForce() {
        assertThat(run("config", "--effective", "-D", "triage.batch.linger.ms=7", "-D", "bootstrap.servers=k:9092"))
                .isZero();
        assertThat(out.toString().lines()).contains("triage.batch.linger.ms=7", "triage.batch.size=32",
                "triage.http.port=8080", "bootstrap.servers=k:9092", "processing.guarantee=exactly_once_v2")
                .noneMatch(line -> line.endsWith("=null"));
    }

    @Test
    void configPrintsTheSettingsTable() {
        assertThat(run("config")).isZero();
        assertThat(out.toString()).isEqualTo(dev.triage.config.TriageConfig.markdownTable());
    }

    @Test
    void effectiveConfigurationShowsOverridesAndHidesSecrets() {
        assertThat(run("config", "--effective", "-D", "triage.batch.size=7", "-D",
                "basic.auth.user.info=alice:secret")).isZero();
        assertThat(out.toString()).contains("triage.batch.size=7").contains("basic.auth.user.info=[hidden]")
                .doesNotContain("secret");
    }
}
