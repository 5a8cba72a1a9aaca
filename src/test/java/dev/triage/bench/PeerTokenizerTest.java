package dev.triage.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.encode.DecodeLimits;
import dev.triage.encode.TextTokenizer;
import dev.triage.model.TextContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The Python peer's hash-ngram-v1 tokenizer gives the same ids as the Java one (no torch needed). */
class PeerTokenizerTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("python/bench_peer.py");

    @Test
    void pythonTokenizerMatchesJava() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON);
        List<String> texts = List.of("Click here to WIN a free prize!!", "you absolute idiot, what a loser",
                "Ça va? Ünïcödé façade — naïve café 123", "a", "x y z", "ﬁne ① ２３",
                "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen");
        TextContract contract = new TextContract("hash-ngram-v1", 8192, 12);
        TextTokenizer java = new TextTokenizer(contract, DecodeLimits.defaults());
        String program = "import json, sys; sys.path.insert(0, 'python'); import bench_peer; "
                + "print(json.dumps([bench_peer.tokenize(t, 8192, 12) for t in json.load(sys.stdin)]))";
        Process p = new ProcessBuilder(PYTHON, "-c", program).redirectErrorStream(true).start();
        ObjectMapper json = new ObjectMapper();
        p.getOutputStream().write(json.writeValueAsBytes(texts));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        long[][] ids = json.readValue(out, long[][].class);
        assertThat(SCRIPT).exists();
        for (int i = 0; i < texts.size(); i++) {
            assertThat(ids[i]).as(texts.get(i)).isEqualTo(java.tokenize(texts.get(i)));
        }
    }
}
