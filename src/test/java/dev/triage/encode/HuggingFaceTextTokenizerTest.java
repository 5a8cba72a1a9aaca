package dev.triage.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triage.model.TextContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hugging Face tokenizer.json files through {@link Tokenizer#forContract}: a tiny WordPiece one (BERT's normalizer,
 * pre-tokenizer and [CLS]/[SEP] template; vocabulary [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, buy 4, now 5, free 6, ##s 7,
 * cheap 8, pill 9, ! 10, you 11, idiot 12, cafe 13) and a tiny BPE one (lower-case, whitespace, merges up to "free"
 * 7 and "spam" 14) and a tiny Unigram one (lower-case, whitespace, &lt;s&gt; … &lt;/s&gt; template; pieces with log
 * probabilities: &lt;pad&gt; 0, &lt;unk&gt; 1, &lt;s&gt; 2, &lt;/s&gt; 3, free 4 (−2), spam 5 (−2), sp 6 (−4), am 7 (−4),
 * s 8, p 9, a 10, m 11, f 12, r 13, e 14 (−6 each), pam 15 (−3)) in src/test/resources/tokenizers.
 */
class HuggingFaceTextTokenizerTest {

    private static final Path DIR = Path.of("src/test/resources/tokenizers");

    private Tokenizer tokenizer;

    private Tokenizer load(String file, int maxTokens) {
        tokenizer = Tokenizer.forContract(
                new TextContract(TextContract.HUGGING_FACE, 64, maxTokens, DIR.resolve(file)), DecodeLimits.defaults());
        return tokenizer;
    }

    @AfterEach
    void close() {
        if (tokenizer instanceof HuggingFaceTextTokenizer hf) {
            hf.close();
        }
    }

    @Test
    void wordPieceAddsClsAndSepSplitsSubwordsAndPadsWithZero() throws DecodeException {
        assertThat(load("wordpiece-tokenizer.json", 12).tokenize("Buy cheap PILLS now! Café?"))
                .containsExactly(2, 4, 8, 9, 7, 5, 10, 13, 1, 3, 0, 0);
    }

    @Test
    void truncatesToMaxTokensKeepingTheSpecialTokens() throws DecodeException {
        assertThat(load("wordpiece-tokenizer.json", 5).tokenize("you idiot buy now free"))
                .containsExactly(2, 11, 12, 4, 3);
    }

    @Test
    void bytePairEncodingAppliesItsMerges() throws DecodeException {
        assertThat(load("bpe-tokenizer.json", 8).tokenize("FREE spam sparse"))
                .containsExactly(7, 14, 12, 10, 3, 8, 4, 0);
    }

    @Test
    void unigramPicksTheMostProbableSegmentation() throws DecodeException {
        // spams: spam + s (-8) beats s + pam + s (-15); ramp: r + am + p (-16) beats four letters (-24); x is unknown.
        assertThat(load("unigram-tokenizer.json", 12).tokenize("FREE spams ramp x"))
                .containsExactly(2, 4, 5, 8, 13, 7, 9, 1, 3, 0, 0, 0);
    }

    @Test
    void theNativeLibraryIsTheJarsCpuBuildLoadedOffline() throws Exception {
        load("wordpiece-tokenizer.json", 8).tokenize("buy now");
        assertThat(System.getProperty("RUST_FLAVOR")).isEqualTo("cpu");
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        // DJL extracts the library it loads into <cache>/tokenizers/<version>-<flavour>-<platform>.
        Path cache = ai.djl.util.Utils.getEngineCacheDir("tokenizers");
        try (var dirs = java.nio.file.Files.list(cache)) {
            assertThat(dirs.map(d -> d.getFileName().toString()).toList())
                    .anyMatch(d -> d.contains("-cpu-"))
                    .noneMatch(d -> d.contains("-cu"));
        }
    }

    @Test
    void textWithoutTokensIsEmptyAndOverlongTextTooLarge() {
        Tokenizer t = load("wordpiece-tokenizer.json", 8);
        assertThatThrownBy(() -> t.tokenize("")).isInstanceOf(DecodeException.class)
                .satisfies(e -> assertThat(((DecodeException) e).reason()).isEqualTo(DecodeException.Reason.EMPTY));
        assertThatThrownBy(() -> t.tokenize("  \t ")).isInstanceOf(DecodeException.class)
                .hasMessageContaining("text has no tokens");
        assertThatThrownBy(() -> t.tokenize("a".repeat(DecodeLimits.defaults().maxTextChars() + 1)))
                .isInstanceOf(DecodeException.class)
                .satisfies(e -> assertThat(((DecodeException) e).reason()).isEqualTo(DecodeException.Reason.TOO_LARGE));
    }

    @Test
    void theHashTokenizerNeedsNoFile() {
        assertThat(Tokenizer.forContract(new TextContract(TextTokenizer.NAME, 64, 8), DecodeLimits.defaults()))
                .isInstanceOf(TextTokenizer.class);
    }
}
