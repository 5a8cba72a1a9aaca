package dev.triage.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triage.avro.Modality;
import dev.triage.model.TextContract;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextTokenizerTest {

    private static TextTokenizer tokenizer(int vocab, int maxTokens) {
        return new TextTokenizer(new TextContract(TextTokenizer.NAME, vocab, maxTokens), DecodeLimits.defaults());
    }

    @Test
    void fnv1aMatchesPublishedTestVectors() {
        assertThat(TextTokenizer.fnv1a32(new byte[0])).isEqualTo(0x811c9dc5);
        assertThat(TextTokenizer.fnv1a32("a".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xe40c292c);
        assertThat(TextTokenizer.fnv1a32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xbf9cf968);
    }

    // Expected ids computed with the Python reimplementation in the class Javadoc.
    @Test
    void wordsComeFirstThenTrigramsUntilFull() throws DecodeException {
        assertThat(tokenizer(8192, 12).tokenize("Click here, WIN a free prize!")).containsExactly(
                3769, 4394, 1121, 8104, 641, 6237, // w:click w:here w:win w:a w:free w:prize
                8176, 3088, 3904, 2067, 6798, 6109); // g:<cl g:cli g:lic g:ick g:ck> g:<he
    }

    @Test
    void nfkcAndLowerCaseFoldCompatibilityForms() throws DecodeException {
        // Fullwidth FREE folds to "free"; ½ becomes 1⁄2, two digit words around a fraction slash.
        assertThat(tokenizer(8192, 10).tokenize("ＦＲＥＥ Café ½"))
                .containsExactly(641, 1019, 7600, 1860, 3706, 1663, 1873, 7033, 886, 5604);
        assertThat(tokenizer(8192, 1).tokenize("FREE")).containsExactly(641);
    }

    @Test
    void trigramsCountCodePointsNotBytes() throws DecodeException {
        assertThat(tokenizer(100, 8).tokenize("日本語 テキスト")).containsExactly(26, 68, 18, 35, 50, 66, 48, 3);
    }

    @Test
    void padsWithZerosOnTheRight() throws DecodeException {
        assertThat(tokenizer(8192, 4).tokenize("a")).containsExactly(8104, 2599, 0, 0);
    }

    @Test
    void truncatesToMaxTokensKeepingTheFirstWords() throws DecodeException {
        assertThat(tokenizer(8192, 4).tokenize("one two three four five six")).containsExactly(1539, 902, 1471, 2438);
    }

    @Test
    void idsStayWithinVocabularyAndAreDeterministic() throws DecodeException {
        TextTokenizer t = tokenizer(50, 48);
        String text = "The quick brown fox jumps over the lazy dog, 42 times! ¿Qué? Ελληνικά κείμενο";
        long[] first = t.tokenize(text);
        assertThat(first).hasSize(48).isEqualTo(tokenizer(50, 48).tokenize(text));
        for (long id : first) {
            assertThat(id).isBetween(1L, 49L);
        }
    }

    @Test
    void separatorsDoNotMatterOnlyWords() throws DecodeException {
        TextTokenizer t = tokenizer(8192, 48);
        assertThat(t.tokenize("free  prize!!!")).isEqualTo(t.tokenize("Free, PRIZE"));
    }

    @Test
    void blankOrPunctuationOnlyTextIsEmpty() {
        TextTokenizer t = tokenizer(8192, 48);
        for (String text : new String[] {"", "   \n\t", "!!! ... ???", null}) {
            assertThatThrownBy(() -> t.tokenize(text))
                    .isInstanceOfSatisfying(DecodeException.class, e -> {
                        assertThat(e.reason()).isEqualTo(DecodeException.Reason.EMPTY);
                        assertThat(e.modality()).isEqualTo(Modality.TEXT);
                        assertThat(e.getMessage()).startsWith("text: ");
                    });
        }
    }

    @Test
    void textOverTheCharLimitIsRefused() {
        TextTokenizer t = new TextTokenizer(new TextContract(TextTokenizer.NAME, 8192, 48),
                new DecodeLimits(10, 1, 1, 1, 1));
        assertThatThrownBy(() -> t.tokenize("abcdefghijk"))
                .isInstanceOfSatisfying(DecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeException.Reason.TOO_LARGE))
                .hasMessage("text: text of 11 chars exceeds triage.text.max.chars=10");
    }

    @Test
    void unpairedSurrogatesSeparateWords() throws DecodeException {
        TextTokenizer t = tokenizer(8192, 2);
        assertThat(t.tokenize("free\uD800prize")).isEqualTo(t.tokenize("free prize"));
    }

    @Test
    void otherTokenizerNamesAreRefused() {
        assertThatThrownBy(() -> new TextTokenizer(new TextContract("bpe", 8192, 48), DecodeLimits.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
