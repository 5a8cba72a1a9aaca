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
 * 7 and "spam" 14) in src/test/resources/tokenizers.
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
