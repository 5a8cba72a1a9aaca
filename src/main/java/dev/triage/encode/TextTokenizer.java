package dev.triage.encode;

import dev.triage.avro.Modality;
import dev.triage.model.TextContract;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@value #NAME} tokenizer: deterministic hashed word and character-trigram ids, no vocabulary file.
 *
 * <p>Exact algorithm, for reimplementation elsewhere (T = {@code maxTokens}, V = {@code vocabSize}):
 * <ol>
 *   <li>Refuse text longer than {@code maxTextChars} UTF-16 chars ({@link DecodeException.Reason#TOO_LARGE}).</li>
 *   <li>Normalize to Unicode NFKC, then lower-case with the full Unicode mapping (Java
 *       {@code toLowerCase(Locale.ROOT)}, Python {@code str.lower()}).</li>
 *   <li>Words are the maximal runs of code points whose general category is a letter ({@code L*}), a mark
 *       ({@code M*}) or a decimal digit ({@code Nd}); every other code point separates words. No word at all
 *       (blank or punctuation-only text) is an error ({@link DecodeException.Reason#EMPTY}).</li>
 *   <li>Word tokens first: for each word in order, the token {@code "w:" + word}.</li>
 *   <li>Then, while fewer than T tokens were emitted, trigram tokens: for each word in order, with
 *       {@code b = "<" + word + ">"} counted in code points, the tokens {@code "g:" + b[i:i+3]} for
 *       {@code i = 0 .. len(b)-3} (a one-letter word gives the single trigram {@code "<a>"}).</li>
 *   <li>Stop at T tokens. A token's id is {@code 1 + (h mod (V - 1))}, where {@code h} is the 32-bit FNV-1a hash
 *       (offset basis {@code 0x811C9DC5}, prime {@code 0x01000193}) of the token's UTF-8 bytes, read as an
 *       unsigned integer. Id 0 is padding: the result is right-padded with 0 to exactly T ids.</li>
 * </ol>
 * Word tokens come first so that every word of a short post reaches the encoder even when trigrams would not
 * fit; trigrams then add sub-word evidence (plurals, misspellings, unseen words) in the remaining slots.
 *
 * <p>In Python:
 * <pre>{@code
 * def tokenize(text, V=8192, T=48):
 *     s = unicodedata.normalize("NFKC", text).lower()
 *     words, cur = [], ""
 *     for ch in s:
 *         cat = unicodedata.category(ch)
 *         if cat[0] in "LM" or cat == "Nd": cur += ch
 *         elif cur: words.append(cur); cur = ""
 *     if cur: words.append(cur)
 *     toks = ["w:" + w for w in words]
 *     for w in words:
 *         b = "<" + w + ">"
 *         toks += ["g:" + b[i:i + 3] for i in range(len(b) - 2)]
 *     def fnv(t):
 *         h = 0x811C9DC5
 *         for x in t.encode("utf-8"): h = ((h ^ x) * 0x01000193) & 0xFFFFFFFF
 *         return h
 *     ids = [1 + fnv(t) % (V - 1) for t in toks[:T]]
 *     return ids + [0] * (T - len(ids))
 * }</pre>
 * Java 17 uses Unicode 13 character data; another runtime with a different Unicode version can differ on code
 * points assigned since.
 */
public final class TextTokenizer implements Tokenizer {

    /** The tokenizer name in {@link TextContract#tokenizer()}. */
    public static final String NAME = "hash-ngram-v1";

    private static final int FNV_OFFSET_BASIS = 0x811C9DC5;
    private static final int FNV_PRIME = 0x01000193;

    private final int vocabSize;
    private final int maxTokens;
    private final int maxTextChars;

    public TextTokenizer(TextContract contract, DecodeLimits limits) {
        if (!NAME.equals(contract.tokenizer())) {
            throw new IllegalArgumentException("unknown tokenizer '" + contract.tokenizer() + "', this one is " + NAME);
        }
        if (contract.vocabSize() < 2) {
            throw new IllegalArgumentException("vocabSize must be at least 2, got " + contract.vocabSize());
        }
        if (contract.maxTokens() < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, got " + contract.maxTokens());
        }
        this.vocabSize = contract.vocabSize();
        this.maxTokens = contract.maxTokens();
        this.maxTextChars = limits.maxTextChars();
    }

    /** Token ids of {@code text}, exactly {@code maxTokens} long, right-padded with 0. */
    @Override
    public long[] tokenize(String text) throws DecodeException {
        Tokenizer.checkText(text, maxTextChars);
        List<String> words = words(Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT));
        if (words.isEmpty()) {
            throw new DecodeException(Modality.TEXT, DecodeException.Reason.EMPTY,
                    "text has no letters or digits (" + text.length() + " chars)");
        }
        long[] ids = new long[maxTokens];
        int n = 0;
        for (int w = 0; w < words.size() && n < maxTokens; w++) {
            ids[n++] = id("w:" + words.get(w));
        }
        for (int w = 0; w < words.size() && n < maxTokens; w++) {
            String bounded = "<" + words.get(w) + ">";
            int[] cps = bounded.codePoints().toArray();
            for (int i = 0; i + 3 <= cps.length && n < maxTokens; i++) {
                ids[n++] = id("g:" + new String(cps, i, 3));
            }
        }
        return ids;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** 32-bit FNV-1a of {@code bytes}, as a signed int carrying the unsigned value's bits. */
    public static int fnv1a32(byte[] bytes) {
        int h = FNV_OFFSET_BASIS;
        for (byte b : bytes) {
            h ^= b & 0xFF;
            h *= FNV_PRIME;
        }
        return h;
    }

    private long id(String token) {
        long h = Integer.toUnsignedLong(fnv1a32(token.getBytes(StandardCharsets.UTF_8)));
        return 1 + h % (vocabSize - 1);
    }

    /** Words in order; at most {@code maxTokens} of them, since later words can never be emitted. */
    private List<String> words(String s) {
        List<String> words = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i < s.length() && words.size() < maxTokens) {
            int cp = s.codePointAt(i);
            if (isWordCodePoint(cp)) {
                if (start < 0) {
                    start = i;
                }
            } else if (start >= 0) {
                words.add(s.substring(start, i));
                start = -1;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0 && words.size() < maxTokens) {
            words.add(s.substring(start, i));
        }
        return words;
    }

    private static boolean isWordCodePoint(int cp) {
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                    Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
                    Character.DECIMAL_DIGIT_NUMBER -> {
                return true;
            }
            default -> {
                return false;
            }
        }
    }
}
