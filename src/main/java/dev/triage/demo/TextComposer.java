package dev.triage.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a post's text: one or two everyday sentences, plus a promotional and/or insulting phrase when those cues
 * were drawn, at a random place. The neutral vocabulary never uses a cue word. Texts stay under 44 words so the
 * default 48-token window always sees every word.
 */
final class TextComposer {
    private static final int MAX_WORDS = 44;

    private static final String[] SUBJECTS = {"I", "we", "my sister", "our neighbour", "the kids", "my friend",
            "the team", "grandma", "my brother", "everyone at work", "my cousin", "the book club", "dad", "mum"};
    private static final String[] ACTIONS = {"went to the park", "baked a chocolate cake", "watched a movie",
            "fixed the old bike", "planted tomatoes in the garden", "visited the museum", "walked the dog",
            "read a new book", "cooked pasta for dinner", "painted the fence", "took photos of the sunset",
            "played chess", "cleaned the kitchen", "tried a new recipe", "went hiking in the hills",
            "learned a new song on the guitar", "built a bookshelf", "went swimming at the lake",
            "visited the farmers market", "watched the birds by the river", "repaired the garden shed",
            "had lunch at the little cafe", "sorted out the attic", "knitted a scarf", "drove to the coast"};
    private static final String[] TIMES = {"this morning", "yesterday", "last weekend", "on sunday", "after work",
            "tonight", "in the afternoon", "during the holidays", "before breakfast", "on the way home"};
    private static final String[] COMMENTS = {"the weather was lovely", "it was really relaxing",
            "everyone had a great time", "the coffee was good", "we might go again next week",
            "the view was amazing", "it took longer than expected", "the cat did not care at all",
            "photos coming soon", "what a nice day", "it started raining later", "the kids loved it",
            "my legs are tired now", "the bread smelled wonderful", "nothing special but nice",
            "the tea was still warm", "I need more practice", "we laughed a lot"};
    private static final String[] PROMO = {"click here to claim your free prize",
            "winner! you have been selected for a cash prize", "limited offer: get a free voucher now",
            "exclusive deal, click the link to win", "free gift card for the first 100 winners",
            "claim your bonus now, offer ends today", "congratulations winner, click to collect your reward",
            "huge discount offer, click now", "win a free phone, just click the link",
            "special offer for winners only, claim your prize", "free cash bonus, click to claim"};
    private static final String[] INSULTS = {"you are such an idiot", "what a pathetic loser",
            "nobody likes you, you stupid clown", "shut up you moron", "you are worthless and pathetic",
            "typical idiot behaviour", "only a loser would do that", "you dumb idiot",
            "so pathetic, what a moron", "get lost, loser", "idiots like you are pathetic"};

    private TextComposer() {}

    static String compose(boolean promo, boolean insult, SplittableRandom rnd) {
        List<String> parts = new ArrayList<>();
        int sentences = 1 + rnd.nextInt(2);
        for (int i = 0; i < sentences; i++) {
            parts.add(neutralSentence(rnd));
        }
        if (promo) {
            parts.add(rnd.nextInt(parts.size() + 1), cuePhrase(PROMO, rnd));
        }
        if (insult) {
            parts.add(rnd.nextInt(parts.size() + 1), cuePhrase(INSULTS, rnd));
        }
        while (words(parts) > MAX_WORDS) {
            dropOneNeutral(parts, promo, insult);
        }
        return String.join(" ", parts);
    }

    private static String neutralSentence(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        sb.append(pick(SUBJECTS, rnd)).append(' ').append(pick(ACTIONS, rnd));
        if (rnd.nextInt(3) > 0) {
            sb.append(' ').append(pick(TIMES, rnd));
        }
        if (rnd.nextBoolean()) {
            sb.append(rnd.nextBoolean() ? ", " : " and ").append(pick(COMMENTS, rnd));
        }
        sb.append(rnd.nextInt(5) == 0 ? "!" : ".");
        return capitalize(sb.toString());
    }

    private static String cuePhrase(String[] phrases, SplittableRandom rnd) {
        String p = pick(phrases, rnd);
        return switch (rnd.nextInt(6)) {
            case 0 -> p.toUpperCase(Locale.ROOT) + "!!!";
            case 1, 2 -> capitalize(p) + "!";
            default -> capitalize(p) + ".";
        };
    }

    private static void dropOneNeutral(List<String> parts, boolean promo, boolean insult) {
        // Cue phrases start with a cue word list entry; neutral sentences never do. Drop the longest neutral one.
        int longest = -1;
        for (int i = 0; i < parts.size(); i++) {
            if (isNeutral(parts.get(i)) && (longest < 0 || parts.get(i).length() > parts.get(longest).length())) {
                longest = i;
            }
        }
        if (longest < 0) {
            throw new IllegalStateException("cue phrases alone exceed " + MAX_WORDS + " words: " + parts
                    + " promo=" + promo + " insult=" + insult);
        }
        parts.remove(longest);
    }

    private static boolean isNeutral(String part) {
        String lower = part.toLowerCase(Locale.ROOT);
        for (String[] list : new String[][] {PROMO, INSULTS}) {
            for (String p : list) {
                if (lower.startsWith(p.toLowerCase(Locale.ROOT))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static int words(List<String> parts) {
        int n = 0;
        for (String p : parts) {
            n += p.split("[^\\p{L}\\p{Nd}]+").length;
        }
        return n;
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static <T> T pick(T[] options, SplittableRandom rnd) {
        return options[rnd.nextInt(options.length)];
    }
}
