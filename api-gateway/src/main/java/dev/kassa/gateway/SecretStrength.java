package dev.kassa.gateway;

import java.util.HashSet;
import java.util.Set;

/**
 * An estimate of how many random bits a configured secret carries (the operator token, the gateways' shared secret):
 * its length times log2 of the alphabet its character classes span (digits 10, lower case 26, upper case 26, other 33),
 * and no credit for a string of few distinct characters. It is an upper bound (it cannot know a phrase from noise), so
 * it refuses the obviously weak — short, one class, repeated — and the docs say to use {@code openssl rand -hex 32}.
 */
public final class SecretStrength {

    public static final int MIN_BITS = 128;
    static final int MIN_DISTINCT = 12;

    private SecretStrength() {
    }

    public static double bits(String secret) {
        if (secret == null || secret.isEmpty()) {
            return 0;
        }
        boolean digit = false;
        boolean lower = false;
        boolean upper = false;
        boolean other = false;
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            distinct.add((int) c);
            digit |= c >= '0' && c <= '9';
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
            other |= !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z');
        }
        if (distinct.size() < MIN_DISTINCT) {
            return 0;
        }
        int alphabet = (digit ? 10 : 0) + (lower ? 26 : 0) + (upper ? 26 : 0) + (other ? 33 : 0);
        return secret.length() * (Math.log(alphabet) / Math.log(2));
    }

    /** Why {@code secret} is too weak to be {@code what}, or null when it is strong enough. */
    public static String problem(String what, String secret) {
        double bits = bits(secret);
        if (bits >= MIN_BITS) {
            return null;
        }
        return what + " carries about " + (int) bits + " random bits at most; it needs " + MIN_BITS
                + " (e.g. 64 hex digits: openssl rand -hex 32)";
    }
}
